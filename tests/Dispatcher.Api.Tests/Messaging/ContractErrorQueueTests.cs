using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Dispatching;
using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Health;
using Dispatcher.TestSupport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// <c>RecordChanged</c> contracts that fail land in MassTransit's <c>&lt;Queue&gt;-record-changed_error</c>; operators
/// see them in the same admin list as failed platform events (with the queue each is in) and move them back — by
/// target flow, by source flow, or all — to the contract's own queue, where they are consumed and dispatched again.
/// On the real broker; the contracts are sent by a separate MassTransit bus straight to this test's contract queue.
/// </summary>
[NonParallelizable]
public sealed class ContractErrorQueueTests
{
    private readonly ConcurrentDictionary<FlowId, bool> _broken = new();
    private MessagingScenario? _scenario;
    private IBusControl? _otherService;

    private MessagingScenario Scenario => _scenario ?? throw new InvalidOperationException("Not started.");

    private string ContractErrorQueue => $"{Scenario.RecordChangedQueue}_error";

    [SetUp]
    public async Task SetUp()
    {
        _broken.Clear();
        _scenario = await MessagingScenario.StartAsync(new Dictionary<string, string?>
        {
            ["Messaging:RetryLimit"] = "1",
            ["Messaging:RetryMinInterval"] = "00:00:00.05",
            ["Messaging:RetryMaxInterval"] = "00:00:00.1",
        });
        Scenario.Flows.Fault = (operation, flowId) => operation == "start" && _broken.ContainsKey(flowId)
            ? new FlowRepositoryException(FlowFailure.Failed, "The Flow Repository answered 500 to the start call: injected failure.")
            : null;
        await Scenario.CreateThreeAppExampleAsync();
        var otherService = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(Scenario.Broker.BrokerUrl)));
        using var timeout = new CancellationTokenSource(MessagingScenario.Wait);
        await otherService.StartAsync(timeout.Token);
        _otherService = otherService;
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_otherService is not null)
        {
            await _otherService.StopAsync();
        }

        if (_scenario is not null)
        {
            await _scenario.DisposeAsync();
        }
    }

    [Test]
    public async Task Failed_contracts_are_listed_beside_failed_events_with_their_queue_source_flow_reason_and_exception_type()
    {
        var flows = Scenario.FlowIds;
        var wiceCreate = flows["wice.CREATE"];
        using var admin = Scenario.AdminClient();
        (await ListAsync(admin, "?queue=contracts")).Should().BeEmpty("nothing failed yet (MassTransit has not even created the error queue)");
        (await ListAsync(admin)).Should().BeEmpty();

        _broken[FlowId.Parse(wiceCreate)] = true;
        var failing = Change(flows["snazzy.out"], "c1");
        await SendAsync(failing);
        await SendAsync(Change("a.b", "m1"));
        await Scenario.Broker.PublishEventAsync("data-hub.record.created", Scenario.Payload("snazzy.out", "e1"));
        await Eventually.HoldsAsync(async () => await Scenario.Broker.CountAsync(ContractErrorQueue) == 2 && await Scenario.Broker.CountAsync(Scenario.ErrorQueue) == 1,
            MessagingScenario.Wait, "2 contracts in the contract error queue, 1 event in the event error queue");

        var listed = await ListAsync(admin);

        listed.Should().HaveCount(3);
        listed[0].Should().BeEquivalentTo(new
        {
            Queue = "events", ErrorQueue = Scenario.ErrorQueue, EventName = "data-hub.record.created", SourceFlowId = flows["snazzy.out"],
        }, "the event bus's error queue comes first");
        listed[0].Reason.Should().Contain($"target flow {wiceCreate}");
        var contracts = listed.Skip(1).ToList();
        contracts.Should().OnlyContain(m => m.Queue == "contracts" && m.ErrorQueue == ContractErrorQueue && m.EventName == nameof(RecordChanged) && m.MessageId != null);
        var startFailed = contracts.Single(m => m.SourceFlowId == flows["snazzy.out"]);
        startFailed.Reason.Should().Contain($"target flow {wiceCreate}").And.Contain("injected failure");
        startFailed.ExceptionType.Should().EndWith("FlowRepositoryException");
        var malformed = contracts.Single(m => m.SourceFlowId == "a.b");
        malformed.Reason.Should().Contain("not a valid flow id: 'a.b'");
        malformed.ExceptionType.Should().EndWith("MalformedEventException");

        (await ListAsync(admin, "?queue=contracts")).Should().BeEquivalentTo(contracts, o => o.WithStrictOrdering());
        (await ListAsync(admin, "?queue=events")).Should().ContainSingle().Which.Queue.Should().Be("events");
        (await ListAsync(admin, "?queue=contracts&max=1")).Should().ContainSingle();
        using (var bad = await admin.GetAsync("/admin/error-queue?queue=bogus"))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.BadRequest, await bad.Content.ReadAsStringAsync());
        }

        using (var user = Scenario.Client())
        {
            (await user.GetAsync("/admin/error-queue?queue=contracts")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await user.PostAsync("/admin/error-queue/redrive?queue=contracts", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        (await Scenario.Broker.CountAsync(ContractErrorQueue)).Should().Be(2, "listing and refused calls move nothing");
        (await Scenario.Broker.CountAsync(Scenario.ErrorQueue)).Should().Be(1);

        // The dispatcher.error_queue.depth gauge covers both error queues (tag queue = the error queue's name).
        var probe = Scenario.Factory.Services.GetRequiredService<ErrorQueueDepthProbe>();
        (await probe.ProbeAsync(CancellationToken.None)).Should().Be(1, "the event bus's error queue");
        probe.DepthOf(ContractErrorQueue).Should().Be(2, "the contract's error queue");
        (await Scenario.InboundCountsAsync()).Should().OnlyContain(c => c.Value == 0, "a change whose target cannot start is dispatched to none");
    }

    [Test]
    public async Task Contracts_are_redriven_by_target_flow_by_source_flow_and_all_back_to_their_own_queue_and_dispatched()
    {
        var flows = Scenario.FlowIds;
        var wiceCreate = FlowId.Parse(flows["wice.CREATE"]);
        var snazzyCreate = FlowId.Parse(flows["snazzy.CREATE"]);
        _broken[wiceCreate] = true;
        _broken[snazzyCreate] = true;
        RecordChanged[] fromSnazzy = [Change(flows["snazzy.out"], "c1"), Change(flows["snazzy.out"], "c2")];
        var fromWice = Change(flows["wice.out"], "c3");
        foreach (var change in fromSnazzy.Append(fromWice).Append(Change("a.b", "m1")))
        {
            await SendAsync(change);
        }

        await Scenario.Broker.PublishEventAsync("data-hub.record.created", Scenario.Payload("snazzy.out", "e1"));
        await Eventually.HoldsAsync(async () => await Scenario.Broker.CountAsync(ContractErrorQueue) == 4 && await Scenario.Broker.CountAsync(Scenario.ErrorQueue) == 1,
            MessagingScenario.Wait, "3 failed starts and 1 malformed contract in the contract error queue, 1 failed event in the event error queue");
        using var admin = Scenario.AdminClient();

        // Wice's create flow is fixed: only the contracts that failed on it go back (the event that did stays: queue=contracts).
        _broken.TryRemove(wiceCreate, out _);
        var byTarget = await RedriveAsync(admin, $"queue=contracts&targetFlowId={wiceCreate}");
        byTarget["moved"]!.GetValue<int>().Should().Be(2);
        byTarget["kept"]!.GetValue<int>().Should().Be(2);
        byTarget["queues"]!.AsArray().Should().ContainSingle();
        byTarget["queues"]![0]!["queue"]!.GetValue<string>().Should().Be("contracts");
        byTarget["queues"]![0]!["errorQueue"]!.GetValue<string>().Should().Be(ContractErrorQueue);
        byTarget["queues"]![0]!["returnQueue"]!.GetValue<string>().Should().Be(Scenario.RecordChangedQueue, "back to the contract's own receive queue");
        var wice = await Scenario.Broker.ExpectAsync(Scenario.Queue("wice.CREATE"), 2, MessagingScenario.Wait);
        var outlook = await Scenario.Broker.ExpectAsync(Scenario.Queue("outlook.CREATE"), 2, MessagingScenario.Wait);
        wice.Select(m => m.OihUid()).Should().BeEquivalentTo(["c1", "c2"], "the redriven contracts are consumed and routed again");
        outlook.Select(m => m.OihUid()).Should().BeEquivalentTo(["c1", "c2"]);
        wice.Select(m => m.BasicProperties.MessageId).Should().BeEquivalentTo(
            fromSnazzy.Select(c => MessageIds.ForDispatch(c.EventId.ToString("N"), wiceCreate).ToString()),
            "the same contracts (their EventIds), not copies of something else");
        (await Scenario.Broker.CountAsync(ContractErrorQueue)).Should().Be(2);
        (await Scenario.Broker.CountAsync(Scenario.ErrorQueue)).Should().Be(1, "queue=contracts leaves the event error queue alone");

        // SnazzyContacts' create flow is fixed: everything from Wice goes back, whichever queue it is in.
        _broken.TryRemove(snazzyCreate, out _);
        var bySource = await RedriveAsync(admin, $"sourceFlowId={flows["wice.out"]}");
        bySource["moved"]!.GetValue<int>().Should().Be(1);
        bySource["kept"]!.GetValue<int>().Should().Be(2, "the malformed contract and the event from SnazzyContacts");
        bySource["queues"]!.AsArray().Select(q => (q!["queue"]!.GetValue<string>(), q["moved"]!.GetValue<int>(), q["kept"]!.GetValue<int>()))
            .Should().Equal(("events", 0, 1), ("contracts", 1, 1));
        (await Scenario.Broker.ExpectAsync(Scenario.Queue("snazzy.CREATE"), 1, MessagingScenario.Wait)).Select(m => m.OihUid()).Should().Equal("c3");
        (await Scenario.Broker.ExpectAsync(Scenario.Queue("outlook.CREATE"), 1, MessagingScenario.Wait)).Select(m => m.OihUid()).Should().Equal("c3");

        // Everything else: the event is dispatched, the malformed contract fails again and is back in its error queue.
        var before = await ListAsync(admin);
        var all = await RedriveAsync(admin, string.Empty);
        all["moved"]!.GetValue<int>().Should().Be(2, "{0}; listed before: {1}", all.ToJsonString(), string.Join(" | ", before));
        all["kept"]!.GetValue<int>().Should().Be(0);
        (await Scenario.Broker.ExpectAsync(Scenario.Queue("wice.CREATE"), 1, MessagingScenario.Wait)).Select(m => m.OihUid()).Should().Equal("e1");
        (await Scenario.Broker.ExpectAsync(Scenario.Queue("outlook.CREATE"), 1, MessagingScenario.Wait)).Select(m => m.OihUid()).Should().Equal("e1");
        await Eventually.HoldsAsync(async () => await Scenario.Broker.CountAsync(ContractErrorQueue) == 1, MessagingScenario.Wait,
            "the malformed contract was consumed again and failed again");
        var left = await ListAsync(admin);
        left.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Queue = "contracts", SourceFlowId = "a.b" });
        left[0].Reason.Should().Contain("not a valid flow id: 'a.b'");
        (await Scenario.Broker.CountAsync(Scenario.ErrorQueue)).Should().Be(0);
        (await Scenario.InboundCountsAsync()).Should().OnlyContain(c => c.Value == 0, "nothing else was dispatched");
    }

    private static RecordChanged Change(string flowId, string oihUid) => new()
    {
        EventId = Guid.NewGuid(),
        FlowId = flowId,
        Operation = RecordOperation.Create,
        Meta = new Dictionary<string, JsonElement>
        {
            ["oihUid"] = JsonSerializer.SerializeToElement(oihUid),
            ["recordUid"] = JsonSerializer.SerializeToElement($"r-{oihUid}"),
        },
        Data = JsonSerializer.SerializeToElement(new { n = oihUid }),
    };

    /// <summary>Sends to this test's contract queue only (a publish would reach every test's queue on the shared exchange).</summary>
    private async Task SendAsync(RecordChanged change)
    {
        var endpoint = await _otherService!.GetSendEndpoint(new Uri($"queue:{Scenario.RecordChangedQueue}"));
        await endpoint.Send(change);
    }

    private static async Task<List<Listed>> ListAsync(HttpClient admin, string query = "")
    {
        using var response = await admin.GetAsync($"/admin/error-queue{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.BodyAsync())["data"]!.AsArray()
            .Select(m => new Listed(Text(m, "queue"), Text(m, "errorQueue"), Text(m, "messageId"), Text(m, "eventName"),
                Text(m, "sourceFlowId"), Text(m, "reason"), Text(m, "exceptionType")))
            .ToList();
    }

    private static async Task<JsonNode> RedriveAsync(HttpClient admin, string query)
    {
        using var response = await admin.PostAsync($"/admin/error-queue/redrive?{query}", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.BodyAsync())["data"]!;
    }

    private static string? Text(JsonNode? node, string property) => node?[property]?.GetValue<string>();

    private sealed record Listed(
        string? Queue, string? ErrorQueue, string? MessageId, string? EventName, string? SourceFlowId, string? Reason, string? ExceptionType);
}
