using System.Text.Json;
using Dispatcher.Api.Tests.Messaging;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Ports;
using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Messaging.Dispatch;
using Dispatcher.TestSupport;
using Dispatcher.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Api.Tests.Embedded;

/// <summary>
/// Dispatcher.Testing's stand-in against the real service: the same <see cref="RecordChanged"/> messages go through
/// the real service's pipeline (its own in-memory bus, the contract consumer, routing table, dispatch handler, the
/// embedded mode's dispatch sink and, with <c>Messaging:PublishContracts</c>, the <see cref="RecordDispatched"/>
/// contracts it publishes on that bus) and through the stand-in on MassTransit's test harness, with the configuration
/// the real service stored. The published copies must be the same: content, message ids and correlation ids.
/// </summary>
public sealed class StandInMatchesTheRealServiceTests
{
    private const string Tenant = "tenant-a";

    [Test]
    public async Task The_stand_in_publishes_exactly_the_copies_the_real_service_dispatches()
    {
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Messaging:PublishContracts"] = "true" });
        using var client = factory.ClientFor(Tenant);
        using var metrics = new MetricsRecorder(factory.Services.GetRequiredService<DispatcherMetrics>());
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        var configurations = await StoredConfigurationsAsync(factory);
        var events = new RecordChangedFactory(nameof(StandInMatchesTheRealServiceTests));
        RecordChanged[] messages =
        [
            events.Create(configurations[0], "snazzy1234", Samples.Person, RecordOperation.Create,
                [RecordChangedFactory.Ref("snazzy1234", "s-1"), RecordChangedFactory.Ref("wice5678", "w-1")],
                new { firstName = "Jane", lastName = "Doe", tags = new[] { "a", "b" } }),
            WithMeta(
                events.Create(flows["wice.out"], RecordOperation.Update, [RecordChangedFactory.Ref("outlook9012", "o-1")], new { firstName = "Janet" }),
                """{"domainId":"5d9b","flowId":"spoofed","recordUid":"w-1","nested":{"x":[1,2.50,null]},"text":"Zoë <b>&amp;</b>"}"""),
            events.Create(flows["snazzy.out"], RecordOperation.Delete),
            events.Create(flows["outlook.out"], RecordOperation.Create),
            events.Create("0123456789abcdef01234567", RecordOperation.Create),
        ];

        var real = await RealServiceCopiesAsync(factory, metrics, messages);
        var standIn = await StandInCopiesAsync(configurations, messages);

        real.Should().HaveCount(4, "CREATE and UPDATE reach the two other apps each; DELETE, the inactive source and the unknown flow nothing");
        Ordered(standIn).Select(c => Json(c.Copy)).Should().Equal(Ordered(real).Select(c => Json(c.Copy)));
        standIn.Select(c => (c.MessageId, c.CorrelationId)).Should().BeEquivalentTo(
            real.Select(c => (c.MessageId, c.CorrelationId)), "the stand-in uses the real dispatch message ids and correlation ids");
        real.Select(c => c.MessageId).Should().BeEquivalentTo(
            factory.Services.GetRequiredService<InMemoryDispatchPublisher>().Recent.Select(d => d.MessageId),
            "each published contract carries the id of the wire copy it announces");
    }

    private static async Task<List<Published>> RealServiceCopiesAsync(DispatcherApiFactory factory, MetricsRecorder metrics, RecordChanged[] messages)
    {
        // A consumer of the real service's own (in-memory) bus, as a .NET service in the same process would have.
        var bus = factory.Services.GetRequiredService<IBus>();
        var published = new System.Collections.Concurrent.ConcurrentQueue<Published>();
        var handle = bus.ConnectReceiveEndpoint("record-dispatched-observer", endpoint => endpoint.Handler<RecordDispatched>(context =>
        {
            published.Enqueue(new Published(context.MessageId!.Value, context.CorrelationId, context.Message));
            return Task.CompletedTask;
        }));
        await handle.Ready;
        foreach (var message in messages)
        {
            await bus.Publish(message);
        }

        await Eventually.HoldsAsync(
            () => metrics.Sum("dispatcher.events.routed") + metrics.Sum("dispatcher.events.unrouted") == messages.Length,
            MessagingScenario.Wait, "the real service handled every message");
        // Each routed event completed only once its contracts were confirmed on the bus; the observer follows at once.
        await Eventually.HoldsAsync(() => published.Count >= 4, MessagingScenario.Wait, "the real service published the contracts");
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await handle.StopAsync();
        return [.. published];
    }

    private static async Task<List<Published>> StandInCopiesAsync(
        IReadOnlyList<Configuration> configurations, RecordChanged[] messages)
    {
        await using var provider = new ServiceCollection()
            .AddMassTransitTestHarness(bus => bus.AddDispatcherStandIn(configurations))
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        try
        {
            foreach (var message in messages)
            {
                await harness.Bus.Publish(message);
            }

            await Eventually.HoldsAsync(
                () => Existing(token => harness.Consumed.Select<RecordChanged>(token)).Count == messages.Length,
                MessagingScenario.Wait, "the stand-in consumed every message");
            return Existing(token => harness.Published.Select<RecordDispatched>(token))
                .Select(m => new Published(m.Context.MessageId!.Value, m.Context.CorrelationId, m.Context.Message))
                .ToList();
        }
        finally
        {
            await harness.Stop();
        }
    }

    private static async Task<IReadOnlyList<Configuration>> StoredConfigurationsAsync(DispatcherApiFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IConfigurationRepository>().ListAsync(TenantId.Parse(Tenant), CancellationToken.None);
        stored.Should().ContainSingle();
        return stored;
    }

    private static RecordChanged WithMeta(RecordChanged message, string extraMetaJson)
    {
        var meta = new Dictionary<string, JsonElement>(message.Meta);
        foreach (var field in JsonDocument.Parse(extraMetaJson).RootElement.EnumerateObject())
        {
            meta[field.Name] = field.Value.Clone();
        }

        return message with { Meta = meta };
    }

    // Copies of different messages interleave, and the real service publishes one message's copies concurrently.
    private static IEnumerable<Published> Ordered(List<Published> copies) =>
        copies.OrderBy(c => c.Copy.Meta["oihUid"].GetString(), StringComparer.Ordinal).ThenBy(c => c.Copy.TargetFlowId, StringComparer.Ordinal);

    // What a harness list holds now, without waiting for the harness to be idle.
    private static List<T> Existing<T>(Func<CancellationToken, IEnumerable<T>> select)
    {
        using var now = new CancellationTokenSource();
        now.Cancel();
        return select(now.Token).ToList();
    }

    private static string Json(RecordDispatched copy) => JsonSerializer.Serialize(copy);

    private sealed record Published(Guid MessageId, Guid? CorrelationId, RecordDispatched Copy);
}
