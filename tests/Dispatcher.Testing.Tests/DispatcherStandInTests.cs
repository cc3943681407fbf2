using System.Text.Json;
using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Testing.Tests;

/// <summary>The stand-in on MassTransit's test harness, driven with the three-app example.</summary>
public sealed class DispatcherStandInTests
{
    private readonly RecordChangedFactory _events = new(nameof(DispatcherStandInTests));
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    [SetUp]
    public async Task SetUp()
    {
        _provider = new ServiceCollection()
            .AddMassTransitTestHarness(bus => bus.AddDispatcherStandIn(ThreeAppExample.Build()))
            .BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Test]
    public async Task A_create_from_one_app_is_copied_to_the_inbound_create_flows_of_the_other_apps_tailored_to_each()
    {
        var configuration = ThreeAppExample.Build();
        var created = _events.Create(configuration, SnazzyUid, Person, RecordOperation.Create,
            [RecordChangedFactory.Ref(SnazzyUid, "s-1"), RecordChangedFactory.Ref(WiceUid, "w-1")], new { firstName = "Jane" });

        var copies = await PublishAndCollectAsync(created);

        copies.Select(c => (c.TargetFlowId, c.ApplicationUid, c.RecordUid, c.Operation)).Should().Equal(
            (WiceCreate, WiceUid, "w-1", RecordOperation.Create),
            (OutlookCreate, OutlookUid, (string?)null, RecordOperation.Create));
        var oihUid = created.Meta["oihUid"].GetString();
        Json(copies[0].Meta).Should().Be(
            $$"""{"flowId":"{{SnazzyOut}}","oihUid":"{{oihUid}}","schema":"{{Person}}","applicationUid":"{{WiceUid}}","recordUid":"w-1"}""");
        Json(copies[1].Meta).Should().Be(
            $$"""{"flowId":"{{SnazzyOut}}","oihUid":"{{oihUid}}","schema":"{{Person}}","applicationUid":"{{OutlookUid}}"}""");
        copies.Should().OnlyContain(c => JsonSerializer.Serialize(c.Data, JsonSerializerOptions.Default) == """{"firstName":"Jane"}""");
        copies.Should().NotContain(c => c.ApplicationUid == SnazzyUid, "the source app never receives its own change");
    }

    [Test]
    public async Task An_update_goes_to_the_update_flows_only()
    {
        var copies = await PublishAndCollectAsync(_events.Create(WiceOut, RecordOperation.Update));

        copies.Select(c => c.TargetFlowId).Should().Equal(SnazzyUpdate, OutlookUpdate);
    }

    [Test]
    public async Task An_unknown_flow_an_inactive_source_and_an_operation_without_inbound_flows_produce_no_copy()
    {
        var unknown = _events.Create("no-such-flow", RecordOperation.Create);
        var inactive = _events.Create(OutlookOut, RecordOperation.Create);
        var delete = _events.Create(SnazzyOut, RecordOperation.Delete);

        foreach (var message in new[] { unknown, inactive, delete })
        {
            (await PublishAndCollectAsync(message)).Should().BeEmpty(message.FlowId + " " + message.Operation);
        }

        Existing(_harness.Published.Select<RecordDispatched>).Should().BeEmpty();
    }

    [Test]
    public async Task Copies_carry_deterministic_message_ids_and_the_incoming_correlation_id()
    {
        var created = _events.Create(SnazzyOut, RecordOperation.Create);
        var correlation = Guid.Parse("8d7c6b5a-0000-4000-8000-000000000001");

        await _harness.Bus.Publish(created, context => context.CorrelationId = correlation);
        await ConsumedAsync(created);
        var contexts = Existing(_harness.Published.Select<RecordDispatched>).Select(m => m.Context).ToList();

        // The real service's scheme (Dispatcher.Application's MessageIds.ForDispatch of the event id and the target flow),
        // restated here; Dispatcher.Api.Tests compares against the real service itself.
        contexts.Select(c => (c.Message.TargetFlowId, c.MessageId)).Should().BeEquivalentTo(new[]
        {
            (WiceCreate, (Guid?)ExpectedMessageId(created.EventId, WiceCreate)),
            (OutlookCreate, (Guid?)ExpectedMessageId(created.EventId, OutlookCreate)),
        });
        contexts.Should().OnlyContain(c => c.CorrelationId == correlation);
    }

    [Test]
    public async Task Without_an_incoming_correlation_id_the_event_id_correlates_the_copies()
    {
        var created = _events.Create(SnazzyOut, RecordOperation.Create);

        var contexts = await PublishAndCollectContextsAsync(created);

        contexts.Should().HaveCount(2).And.OnlyContain(c => c.CorrelationId == created.EventId);
    }

    [Test]
    public async Task A_malformed_message_faults_as_the_real_service_rejects_it()
    {
        var malformed = _events.Create(SnazzyOut, RecordOperation.Create) with { FlowId = "a.b" };

        await _harness.Bus.Publish(malformed);

        (await _harness.Published.Any<Fault<RecordChanged>>(m => m.Context.Message.Message.EventId == malformed.EventId)).Should().BeTrue();
        await ConsumedAsync(malformed);
        Existing(_harness.Published.Select<RecordDispatched>).Should().BeEmpty();
    }

    [Test]
    public async Task A_configuration_change_through_the_resolved_stand_in_changes_the_routing()
    {
        var standIn = _provider.GetRequiredService<DispatcherStandIn>();
        var other = new DispatchConfigurationBuilder().ForTenant("tenant-b")
            .With(new AppBuilder("erp1").Outbound(Person, "erp-out"))
            .With(new AppBuilder("shop2").Inbound(Person, Operation.Create, "shop-in-create"))
            .Build();

        var before = await PublishAndCollectAsync(_events.Create("erp-out", RecordOperation.Create));
        standIn.Upsert(other);
        var after = await PublishAndCollectAsync(_events.Create("erp-out", RecordOperation.Create));
        standIn.Remove(other.Id);
        var removed = await PublishAndCollectAsync(_events.Create("erp-out", RecordOperation.Create));

        before.Should().BeEmpty();
        after.Select(c => (c.TargetFlowId, c.ApplicationUid)).Should().Equal(("shop-in-create", "shop2"));
        removed.Should().BeEmpty();
    }

    [Test]
    public async Task Dispatch_without_a_bus_predicts_exactly_the_copies_published_on_the_harness()
    {
        var update = _events.Create(SnazzyOut, RecordOperation.Update, [RecordChangedFactory.Ref(OutlookUid, "o-9")], new { id = 7 });

        var published = await PublishAndCollectAsync(update);
        var predicted = new DispatcherStandIn([ThreeAppExample.Build()]).Dispatch(update);

        predicted.Select(Json).Should().Equal(published.Select(Json)).And.HaveCount(2);
    }

    private async Task<List<RecordDispatched>> PublishAndCollectAsync(RecordChanged message) =>
        (await PublishAndCollectContextsAsync(message)).Select(c => c.Message).ToList();

    // The copies of this message only: the stand-in publishes them before its consume completes.
    private async Task<List<PublishContext<RecordDispatched>>> PublishAndCollectContextsAsync(RecordChanged message)
    {
        await _harness.Bus.Publish(message);
        await ConsumedAsync(message);
        var oihUid = message.Meta["oihUid"].GetString();
        return Existing(_harness.Published.Select<RecordDispatched>)
            .Select(m => m.Context)
            .Where(c => c.Message.Meta.TryGetValue("oihUid", out var value) && value.GetString() == oihUid)
            .ToList();
    }

    // Polls rather than awaiting harness.Consumed.Any: the harness's waits end for good once it has been inactive
    // (its inactivity token is not re-armed), which a test publishing several messages in turn runs into.
    private async Task ConsumedAsync(RecordChanged message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!Existing(token => _harness.Consumed.Select<RecordChanged>(m => m.Context.Message.EventId == message.EventId, token)).Any())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    // What a harness list holds now, without waiting for more.
    private static List<T> Existing<T>(Func<CancellationToken, IEnumerable<T>> select)
    {
        using var now = new CancellationTokenSource();
        now.Cancel();
        return select(now.Token).ToList();
    }

    private static Guid ExpectedMessageId(Guid eventId, string flowId)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{eventId:N}\n{flowId}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    private static string Json(IReadOnlyDictionary<string, JsonElement> meta) => JsonSerializer.Serialize(meta);

    private static string Json(RecordDispatched copy) => JsonSerializer.Serialize(copy);
}
