using System.Text.Json;
using Dispatcher.Application.Dispatching;
using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using Dispatcher.TestSupport;
using Dispatcher.TestSupport.RabbitMq;
using MassTransit;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// The three-app example driven through the .NET contract: another service publishes <see cref="RecordChanged"/> with
/// its own MassTransit bus; the exact dispatches arrive on the <c>dispatch.&lt;flowId&gt;</c> queues, none for the
/// source app, none for DELETE (the example has no DELETE inbound flows).
/// </summary>
[NonParallelizable]
public sealed class RecordChangedContractTests
{
    private MessagingScenario _scenario = null!;
    private MetricsRecorder? _metrics;
    private IBusControl? _otherService;

    [SetUp]
    public async Task SetUp()
    {
        _scenario = await MessagingScenario.StartAsync();
        _metrics = MetricsRecorder.For(_scenario);
        await _scenario.CreateThreeAppExampleAsync();
        // A separate .NET service: its own bus and connection, default (envelope) serialization.
        var otherService = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(TestBroker.Url)));
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

        _metrics?.Dispose();
        if (_scenario is not null)
        {
            await _scenario.DisposeAsync();
        }
    }

    [Test]
    public async Task Create_update_and_delete_published_as_RecordChanged_give_exactly_the_expected_dispatches()
    {
        var flows = _scenario.FlowIds;
        var create = new RecordChanged
        {
            EventId = Guid.NewGuid(),
            FlowId = flows["snazzy.out"],
            Operation = RecordOperation.Create,
            Meta = Meta(("domainId", "5d9b"), ("schema", "person"), ("recordUid", "abcd"), ("applicationUid", "snazzy1234"), ("oihUid", "65f0000000000000000000c1")),
            Data = JsonSerializer.SerializeToElement(new { firstName = "Jane", lastName = "Doe" }),
        };
        var update = new RecordChanged
        {
            EventId = Guid.NewGuid(),
            FlowId = flows["snazzy.out"],
            Operation = RecordOperation.Update,
            Meta = Meta(("oihUid", "65f0000000000000000000c2")),
            Refs = [new RecordReference { ApplicationUid = "snazzy1234", RecordUid = "abcd" }, new RecordReference { ApplicationUid = "wice5678", RecordUid = "efgh" }],
            Data = JsonSerializer.SerializeToElement(new { firstName = "Janet" }),
        };
        var delete = new RecordChanged
        {
            EventId = Guid.NewGuid(),
            FlowId = flows["snazzy.out"],
            Operation = RecordOperation.Delete,
            Meta = Meta(("oihUid", "65f0000000000000000000c3")),
            Data = JsonSerializer.SerializeToElement(new { }),
        };
        var correlation = Guid.NewGuid();

        await _otherService!.Publish(delete);
        await _otherService!.Publish(create, context => context.CorrelationId = correlation);
        await _otherService!.Publish(update);

        var wiceCreate = await _scenario.Broker.ExpectAsync(_scenario.Queue("wice.CREATE"), 1, MessagingScenario.Wait);
        var outlookCreate = await _scenario.Broker.ExpectAsync(_scenario.Queue("outlook.CREATE"), 1, MessagingScenario.Wait);
        var wiceUpdate = await _scenario.Broker.ExpectAsync(_scenario.Queue("wice.UPDATE"), 1, MessagingScenario.Wait);
        var outlookUpdate = await _scenario.Broker.ExpectAsync(_scenario.Queue("outlook.UPDATE"), 1, MessagingScenario.Wait);
        // The DELETE has no target; once it is counted as unrouted, all three events have been handled.
        await Eventually.HoldsAsync(() => _metrics!.Sum("dispatcher.events.unrouted", "reason", "NoMatchingTarget") == 1,
            MessagingScenario.Wait, "the DELETE is handled and routes nowhere");

        wiceCreate.Should().ContainSingle();
        outlookCreate.Should().ContainSingle();
        wiceUpdate.Should().ContainSingle();
        outlookUpdate.Should().ContainSingle();

        var created = wiceCreate[0];
        created.RoutingKey.Should().Be(_scenario.Queue("wice.CREATE"));
        created.BasicProperties.Persistent.Should().BeTrue();
        created.BasicProperties.MessageId.Should().Be(
            MessageIds.ForDispatch(create.EventId.ToString("N"), FlowId.Parse(flows["wice.CREATE"])).ToString(), "deterministic from the contract's EventId");
        created.BasicProperties.CorrelationId.Should().Be(correlation.ToString("N"));
        created.Header("x-dispatcher-hops").Should().Be("1");
        var body = created.Json();
        body["headers"]!["name"]!.GetValue<string>().Should().Be(_scenario.Queue("wice.CREATE"));
        body["headers"]!["serviceName"]!.GetValue<string>().Should().Be("dispatcher-service");
        body["payload"]!.ToJsonString().Should().Be(
            $$$"""{"meta":{"flowId":"{{{flows["snazzy.out"]}}}","domainId":"5d9b","schema":"person","oihUid":"65f0000000000000000000c1","applicationUid":"wice5678"},"data":{"firstName":"Jane","lastName":"Doe"}}""");
        outlookCreate[0].Json()["payload"]!["meta"]!["applicationUid"]!.GetValue<string>().Should().Be("outlook9012");

        var wiceUpdateMeta = wiceUpdate[0].Json()["payload"]!["meta"]!;
        wiceUpdateMeta["recordUid"]!.GetValue<string>().Should().Be("efgh", "Wice's id from refs");
        wiceUpdateMeta["refs"].Should().BeNull();
        wiceUpdateMeta["flowId"]!.GetValue<string>().Should().Be(flows["snazzy.out"], "the copy carries the source flow");
        var outlookUpdateMeta = outlookUpdate[0].Json()["payload"]!["meta"]!;
        outlookUpdateMeta["recordUid"].Should().BeNull("Outlook has no ref");
        outlookUpdateMeta["applicationUid"]!.GetValue<string>().Should().Be("outlook9012");

        _metrics!.Sum("dispatcher.events.received", "event", nameof(RecordChanged)).Should().Be(3);
        _metrics!.Sum("dispatcher.dispatches.published").Should().Be(4);
        (await _scenario.InboundCountsAsync()).Should().OnlyContain(c => c.Value == 0, "nothing else: none for the source app, none for DELETE");
        (await _scenario.Broker.CountAsync($"{_scenario.RecordChangedQueue}_error")).Should().Be(0);
    }

    [Test]
    public async Task An_invalid_flow_id_in_the_contract_goes_to_the_contract_error_queue_at_once_with_the_reason()
    {
        await _otherService!.Publish(new RecordChanged
        {
            EventId = Guid.NewGuid(), FlowId = "a.b", Operation = RecordOperation.Create, Data = JsonSerializer.SerializeToElement(new { }),
        });

        var errors = await _scenario.Broker.ExpectAsync($"{_scenario.RecordChangedQueue}_error", 1, MessagingScenario.Wait);

        errors.Should().ContainSingle();
        errors[0].Header("MT-Fault-Message").Should().Contain("not a valid flow id: 'a.b'");
        errors[0].Header("MT-Fault-RetryCount").Should().BeNull("a permanent failure is not retried");
        _metrics!.Sum("dispatcher.events.received").Should().Be(1, "consumed once");
    }

    private static Dictionary<string, JsonElement> Meta(params (string Key, string Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => JsonSerializer.SerializeToElement(f.Value));
}
