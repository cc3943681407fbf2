using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Messaging.Contracts;
using Dispatcher.TestSupport;
using Dispatcher.TestSupport.RabbitMq;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// <c>Messaging:PublishContracts</c> on the real broker: another team's service, with its own MassTransit bus, publishes
/// <see cref="RecordChanged"/> (and the platform publishes event-bus events) and consumes <see cref="RecordDispatched"/>
/// in a receive endpoint of that bus. Every delivered copy is announced once, with the copy's message id; the event-bus
/// bodies still reach <c>dispatch.&lt;flowId&gt;</c>; a failed announcement is retried (or lands in the error queue and is
/// redriven) without delivering the copy a second time. Off by default: nothing is announced.
/// </summary>
/// <remarks>
/// The <c>RecordDispatched</c> exchange is shared by everything on the broker; the collector keeps only copies to this
/// test's flows (flow ids are new for every scenario).
/// </remarks>
[NonParallelizable]
public sealed class RecordDispatchedContractTests
{
    private static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["Messaging:RetryMinInterval"] = "00:00:00.05",
        ["Messaging:RetryMaxInterval"] = "00:00:00.1",
    };

    private MessagingScenario? _scenario;
    private MetricsRecorder? _metrics;
    private IBusControl? _otherService;
    private readonly ConcurrentQueue<ConsumeContext<RecordDispatched>> _received = new();

    [TearDown]
    public async Task TearDown()
    {
        if (_otherService is not null)
        {
            await _otherService.StopAsync();
        }

        _metrics?.Dispose();
        if (_scenario is not null)
        {
            await _scenario.DisposeAsync();
        }
    }

    [Test]
    public async Task RecordChanged_and_event_bus_events_are_announced_as_exactly_one_RecordDispatched_per_target_flow()
    {
        var flows = await StartAsync(new Dictionary<string, string?> { ["Messaging:PublishContracts"] = "true" });
        var create = new RecordChanged
        {
            EventId = Guid.NewGuid(),
            FlowId = flows["snazzy.out"],
            Operation = RecordOperation.Create,
            Meta = Meta(("domainId", "5d9b"), ("oihUid", "c1"), ("applicationUid", "snazzy1234")),
            Refs = [new RecordReference { ApplicationUid = "wice5678", RecordUid = "w-1" }],
            Data = JsonSerializer.SerializeToElement(new { firstName = "Jane" }),
        };
        var update = new RecordChanged
        {
            EventId = Guid.NewGuid(),
            FlowId = flows["wice.out"],
            Operation = RecordOperation.Update,
            Meta = Meta(("oihUid", "u1")),
            Data = JsonSerializer.SerializeToElement(new { firstName = "Janet" }),
        };
        var correlation = Guid.NewGuid();
        var eventBody = Encoding.UTF8.GetBytes(
            $$$"""{"headers":{"name":"data-hub.record.created","createdAt":1,"serviceName":"data-hub"},"payload":{{{_scenario!.Payload("snazzy.out", "e1")}}}}""");

        await _otherService!.Publish(create, context => context.CorrelationId = correlation);
        await _otherService!.Publish(update);
        await _scenario.Broker.PublishRawAsync("data-hub.record.created", eventBody);

        await Eventually.HoldsAsync(() => Mine().Count >= 6, MessagingScenario.Wait, "six copies are announced");
        var wire = new Dictionary<string, List<RabbitMQ.Client.BasicGetResult>>();
        foreach (var key in new[] { "wice.CREATE", "outlook.CREATE", "snazzy.UPDATE", "outlook.UPDATE" })
        {
            wire[key] = await _scenario.Broker.ExpectAsync(_scenario.Queue(key), key.EndsWith("CREATE", StringComparison.Ordinal) ? 2 : 1, MessagingScenario.Wait);
        }

        await Task.Delay(TimeSpan.FromSeconds(1)); // anything extra would arrive right behind
        var announced = Mine();
        announced.Should().HaveCount(6, "two targets for each of the three events, once each");
        announced.Select(c => c.MessageId).Should().OnlyHaveUniqueItems();
        wire["wice.CREATE"].Should().HaveCount(2, "the event-bus bodies still reach dispatch.<flowId>: one per event");
        wire["outlook.CREATE"].Should().HaveCount(2);
        wire["snazzy.UPDATE"].Should().ContainSingle();
        wire["outlook.UPDATE"].Should().ContainSingle();

        // Every announcement carries the id of the wire copy it announces.
        var wireIds = wire.SelectMany(w => w.Value.Select(m => (Queue: m.RoutingKey, Id: m.BasicProperties.MessageId ?? "(none)"))).ToHashSet();
        announced.Select(c => ($"dispatch.{c.Message.TargetFlowId}", c.MessageId!.Value.ToString())).Should().BeSubsetOf(wireIds);

        var wiceCreate = announced.Single(c => c.Message.TargetFlowId == flows["wice.CREATE"] && c.Message.Meta["oihUid"].GetString() == "c1");
        wiceCreate.MessageId.Should().Be(MessageIds.ForDispatch(create.EventId.ToString("N"), FlowId.Parse(flows["wice.CREATE"])));
        wiceCreate.CorrelationId.Should().Be(correlation, "the incoming correlation id is propagated");
        wiceCreate.Headers.Get<int>("x-dispatcher-hops").Should().Be(1);
        var copy = wiceCreate.Message;
        copy.ApplicationUid.Should().Be("wice5678");
        copy.RecordUid.Should().Be("w-1", "Wice's id from refs");
        copy.Operation.Should().Be(RecordOperation.Create);
        JsonSerializer.Serialize(copy.Meta).Should().Be(
            $$$"""{"flowId":"{{{flows["snazzy.out"]}}}","domainId":"5d9b","oihUid":"c1","applicationUid":"wice5678","recordUid":"w-1"}""");
        JsonSerializer.Serialize(copy.Data).Should().Be("""{"firstName":"Jane"}""");

        var outlookCreate = announced.Single(c => c.Message.TargetFlowId == flows["outlook.CREATE"] && c.Message.Meta["oihUid"].GetString() == "c1");
        outlookCreate.Message.RecordUid.Should().BeNull("Outlook has no ref");
        outlookCreate.Message.Meta.Should().NotContainKey("refs").And.NotContainKey("recordUid");
        outlookCreate.CorrelationId.Should().Be(correlation);

        var updates = announced.Where(c => c.Message.Meta["oihUid"].GetString() == "u1").ToList();
        updates.Select(c => c.Message.TargetFlowId).Should().BeEquivalentTo([flows["snazzy.UPDATE"], flows["outlook.UPDATE"]]);
        updates.Should().OnlyContain(c => c.Message.Operation == RecordOperation.Update && c.Message.Meta["flowId"].GetString() == flows["wice.out"]);
        updates.Should().OnlyContain(c => c.CorrelationId == update.EventId, "no correlation id: the event id is the correlation");

        var fromEventBus = announced.Where(c => c.Message.Meta["oihUid"].GetString() == "e1").ToList();
        fromEventBus.Select(c => c.Message.TargetFlowId).Should().BeEquivalentTo([flows["wice.CREATE"], flows["outlook.CREATE"]]);
        fromEventBus.Should().OnlyContain(c => c.MessageId == MessageIds.ForDispatch(MessageIds.FromBody(eventBody), FlowId.Parse(c.Message.TargetFlowId)));
        fromEventBus.Should().OnlyContain(c => JsonSerializer.Serialize(c.Message.Data, JsonSerializerOptions.Default) == """{"n":"e1"}""");
        _metrics!.Sum("dispatcher.dispatches.announced").Should().Be(6);
    }

    [Test]
    public async Task By_default_nothing_is_announced_and_the_copies_are_dispatched_as_before()
    {
        var flows = await StartAsync();
        await _otherService!.Publish(new RecordChanged
        {
            EventId = Guid.NewGuid(), FlowId = flows["snazzy.out"], Operation = RecordOperation.Create, Meta = Meta(("oihUid", "d1")),
        });

        var wice = await _scenario!.Broker.ExpectAsync(_scenario.Queue("wice.CREATE"), 1, MessagingScenario.Wait);
        var outlook = await _scenario.Broker.ExpectAsync(_scenario.Queue("outlook.CREATE"), 1, MessagingScenario.Wait);
        await Eventually.HoldsAsync(() => _metrics!.Sum("dispatcher.events.routed") == 1, MessagingScenario.Wait, "the event is handled");
        await Task.Delay(TimeSpan.FromSeconds(2)); // announcements would follow the confirmed copies at once

        wice.Should().ContainSingle();
        outlook.Should().ContainSingle();
        Mine().Should().BeEmpty("Messaging:PublishContracts is false by default");
        _metrics!.Sum("dispatcher.dispatches.announced").Should().Be(0);
    }

    [Test]
    public async Task A_failed_announcement_is_retried_without_delivering_the_copy_again()
    {
        var faults = new AnnouncementFaults();
        var flows = await StartAsync(new Dictionary<string, string?>(FastRetries) { ["Messaging:PublishContracts"] = "true" }, faults);
        faults.Fail = (flow, attempt) => flow == flows["outlook.CREATE"] && attempt <= 2;
        var changed = new RecordChanged
        {
            EventId = Guid.NewGuid(), FlowId = flows["snazzy.out"], Operation = RecordOperation.Create, Meta = Meta(("oihUid", "r1")),
        };

        await _otherService!.Publish(changed);

        await Eventually.HoldsAsync(() => Mine().Count >= 2, MessagingScenario.Wait, "both copies are announced after the retries");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Mine().Select(c => c.Message.TargetFlowId).Should().BeEquivalentTo([flows["wice.CREATE"], flows["outlook.CREATE"]], "each once");
        faults.Attempts(flows["outlook.CREATE"]).Should().Be(3, "two injected failures, then the real publish");
        faults.Attempts(flows["wice.CREATE"]).Should().Be(1, "a confirmed announcement is not repeated on retry");
        (await _scenario!.Broker.DrainAsync(_scenario.Queue("wice.CREATE"))).Should().ContainSingle("the copy is delivered once, not once per attempt");
        (await _scenario.Broker.DrainAsync(_scenario.Queue("outlook.CREATE"))).Should().ContainSingle();
        _metrics!.Sum("dispatcher.dispatches.announcements_failed").Should().Be(2);
        _metrics.Sum("dispatcher.dispatches.published").Should().Be(2);
        (await _scenario.Broker.CountAsync($"{_scenario.RecordChangedQueue}_error")).Should().Be(0);
    }

    [Test]
    public async Task An_announcement_failing_every_retry_goes_to_the_error_queue_and_its_redrive_announces_without_a_second_delivery()
    {
        var faults = new AnnouncementFaults();
        var flows = await StartAsync(
            new Dictionary<string, string?>(FastRetries) { ["Messaging:PublishContracts"] = "true", ["Messaging:RetryLimit"] = "1" }, faults);
        faults.Fail = (flow, _) => flow == flows["outlook.CREATE"];
        await _otherService!.Publish(new RecordChanged
        {
            EventId = Guid.NewGuid(), FlowId = flows["snazzy.out"], Operation = RecordOperation.Create, Meta = Meta(("oihUid", "x1")),
        });

        var errorQueue = $"{_scenario!.RecordChangedQueue}_error";
        await Eventually.HoldsAsync(async () => await _scenario.Broker.CountAsync(errorQueue) == 1, MessagingScenario.Wait, "the event lands in the contract error queue");
        var failed = await _scenario.Broker.PeekAsync(errorQueue);
        failed.Single().Header("MT-Fault-Message").Should().Contain($"target flow {flows["outlook.CREATE"]}", "the reason names the target, for the redrive filter");
        Mine().Select(c => c.Message.TargetFlowId).Should().Equal([flows["wice.CREATE"]], "only the copy whose announcement was confirmed");
        (await _scenario.Broker.CountAsync(_scenario.Queue("outlook.CREATE"))).Should().Be(1, "delivered once although its announcement failed twice");

        faults.Fail = (_, _) => false;
        using var admin = _scenario.AdminClient();
        using var response = await admin.PostAsync($"/admin/error-queue/redrive?queue=contracts&targetFlowId={flows["outlook.CREATE"]}", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        await Eventually.HoldsAsync(() => Mine().Count >= 2, MessagingScenario.Wait, "the redriven event announces the missing copy");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Mine().Select(c => c.Message.TargetFlowId).Should().BeEquivalentTo([flows["wice.CREATE"], flows["outlook.CREATE"]], "Wice's is not repeated");
        (await _scenario.Broker.DrainAsync(_scenario.Queue("outlook.CREATE"))).Should().ContainSingle("the redrive does not deliver the copy again");
        (await _scenario.Broker.DrainAsync(_scenario.Queue("wice.CREATE"))).Should().ContainSingle();
        (await _scenario.Broker.CountAsync(errorQueue)).Should().Be(0);
    }

    private async Task<Dictionary<string, string>> StartAsync(Dictionary<string, string?>? settings = null, AnnouncementFaults? faults = null)
    {
        _scenario = await MessagingScenario.StartAsync(settings, services: faults is null ? null : faults.Decorate);
        _metrics = MetricsRecorder.For(_scenario);
        var flows = await _scenario.CreateThreeAppExampleAsync();
        // Another team's service: its own bus and connection, a consumer of RecordDispatched in its own queue.
        var queue = $"other-team-record-dispatched-{Guid.NewGuid():N}";
        _scenario.Broker.Track(queue);
        _scenario.Broker.Track($"{queue}_error");
        _scenario.Broker.Track($"{queue}_skipped");
        var otherService = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri(TestBroker.Url));
            cfg.ReceiveEndpoint(queue, endpoint => endpoint.Consumer(() => new Collector(_received)));
        });
        using var timeout = new CancellationTokenSource(MessagingScenario.Wait);
        await otherService.StartAsync(timeout.Token);
        _otherService = otherService;
        return flows;
    }

    // Only the copies to this test's flows: the RecordDispatched exchange is shared by everything on the broker.
    private List<ConsumeContext<RecordDispatched>> Mine()
    {
        var ours = _scenario!.FlowIds.Values.ToHashSet();
        return [.. _received.Where(c => ours.Contains(c.Message.TargetFlowId))];
    }

    private static Dictionary<string, JsonElement> Meta(params (string Key, string Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => JsonSerializer.SerializeToElement(f.Value));

    private sealed class Collector(ConcurrentQueue<ConsumeContext<RecordDispatched>> received) : IConsumer<RecordDispatched>
    {
        public Task Consume(ConsumeContext<RecordDispatched> context)
        {
            received.Enqueue(context);
            return Task.CompletedTask;
        }
    }

    /// <summary>Wraps the service's real notifier: <see cref="Fail"/> decides per (target flow, attempt) whether to throw instead.</summary>
    private sealed class AnnouncementFaults
    {
        private readonly ConcurrentDictionary<string, int> _attempts = new();

        public Func<string, int, bool> Fail { get; set; } = (_, _) => false;

        public int Attempts(string flowId) => _attempts.GetValueOrDefault(flowId);

        public void Decorate(IServiceCollection services) =>
            services.AddSingleton<IDispatchNotifier>(sp => new Faulty(this, ActivatorUtilities.CreateInstance<RecordDispatchedNotifier>(sp)));

        private sealed class Faulty(AnnouncementFaults faults, IDispatchNotifier inner) : IDispatchNotifier
        {
            public bool Enabled => inner.Enabled;

            public Task NotifyAsync(OutgoingDispatch dispatch, CancellationToken cancellationToken)
            {
                var flow = dispatch.Dispatch.Target.FlowId.Value;
                var attempt = faults._attempts.AddOrUpdate(flow, 1, (_, n) => n + 1);
                return faults.Fail(flow, attempt)
                    ? Task.FromException(new ContractNotPublishedException($"The RecordDispatched contract for target flow {flow} was not confirmed (injected)."))
                    : inner.NotifyAsync(dispatch, cancellationToken);
            }
        }
    }
}
