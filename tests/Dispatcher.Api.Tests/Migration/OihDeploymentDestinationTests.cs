using System.Diagnostics.Metrics;
using System.Net;
using Dispatcher.Api.Health;
using Dispatcher.Api.Tests.Health;
using Dispatcher.Api.Tests.Messaging;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Api.Tests.Telemetry;
using Dispatcher.Infrastructure.Messaging;
using Dispatcher.TestSupport;
using Dispatcher.TestSupport.RabbitMq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Dispatcher.Api.Tests.Migration;

/// <summary>
/// Dropped into an Open Integration Hub deployment (configured through the original variables), the service sends
/// dispatches only to the shared queue the SDF adapter reads, as the original; per-flow queues that nobody reads are
/// reported (metric, one warning per flow, degraded readiness). Real broker, running host.
/// </summary>
[NonParallelizable]
public sealed class OihDeploymentDestinationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Test]
    public async Task Under_the_original_variables_dispatches_go_to_the_shared_queue_only()
    {
        await using var broker = new TestBroker();
        var sharedQueue = $"sdf-adapter-{Guid.NewGuid():N}"[..24];
        broker.Track(sharedQueue);
        Environment.SetEnvironmentVariable("QUEUE_URL", TestBroker.Url);
        try
        {
            // Only the test's isolated names are explicit; the destination mode is left to the deployment default.
            await using var factory = new DispatcherApiFactory(new Dictionary<string, string?>
            {
                ["Messaging:Exchange"] = broker.Exchange,
                ["Messaging:Queue"] = broker.ServiceQueue,
                ["Messaging:SharedQueue"] = sharedQueue,
            });
            using var client = factory.ClientFor("tenant-a");
            factory.Services.GetRequiredService<IOptions<MessagingOptions>>().Value.Destination.Should().Be(DispatchDestinationMode.SharedQueue);
            var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
            await broker.WaitForQueueAsync(broker.ServiceQueue, Wait);

            await broker.PublishEventAsync("data-hub.record.created", $$$"""{"meta":{"flowId":"{{{flows["snazzy.out"]}}}","oihUid":"65f000000000000000000001"},"data":{"n":1}}""");

            var shared = await broker.ExpectAsync(sharedQueue, 2, Wait);
            shared.Select(m => m.RoutingKey).Should().BeEquivalentTo($"dispatch.{flows["wice.CREATE"]}", $"dispatch.{flows["outlook.CREATE"]}");
            (await QueueExistsAsync($"dispatch.{flows["wice.CREATE"]}")).Should().BeFalse("no per-flow queue is declared in an OIH deployment");
            (await QueueExistsAsync($"dispatch.{flows["outlook.CREATE"]}")).Should().BeFalse();
        }
        finally
        {
            Environment.SetEnvironmentVariable("QUEUE_URL", null);
        }
    }

    [Test]
    public async Task An_explicit_destination_wins_over_the_deployment_default()
    {
        await using var broker = new TestBroker();
        Environment.SetEnvironmentVariable("QUEUE_URL", TestBroker.Url);
        try
        {
            await using var factory = new DispatcherApiFactory(new Dictionary<string, string?>(broker.Settings)
            {
                ["Messaging:Destination"] = "QueuePerFlow",
            });
            using var client = factory.ClientFor("tenant-a");
            var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
            await broker.WaitForQueueAsync(broker.ServiceQueue, Wait);

            await broker.PublishEventAsync("data-hub.record.created", $$$"""{"meta":{"flowId":"{{{flows["snazzy.out"]}}}","oihUid":"65f000000000000000000001"},"data":{"n":1}}""");

            (await broker.ExpectAsync($"dispatch.{flows["wice.CREATE"]}", 1, Wait)).Should().ContainSingle();
        }
        finally
        {
            Environment.SetEnvironmentVariable("QUEUE_URL", null);
        }
    }

    [Test]
    public async Task A_per_flow_queue_without_consumer_that_grows_is_reported_once_per_flow_and_degrades_readiness_without_failing_it()
    {
        await using var broker = new TestBroker();
        var logs = new CapturingLoggerProvider();
        await using var factory = new DispatcherApiFactory(
            new Dictionary<string, string?>(broker.Settings) { ["Health:DispatchQueueProbeInterval"] = "00:00:00.2" },
            logs.Register);
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        await broker.WaitForQueueAsync(broker.ServiceQueue, Wait);
        var wice = $"dispatch.{flows["wice.CREATE"]}";
        var outlook = $"dispatch.{flows["outlook.CREATE"]}";
        using var gauge = new GaugeReader("dispatcher.dispatch_queue.unconsumed");

        // A consumer on one of the two queues: only the other one is unread.
        await using var consumer = await ConsumerAsync(outlook);
        // One event at a time, each waiting for its copy, until the monitor has seen the unread queue grow (a probe
        // round every 0.2 s; under load the rounds come later, so the number of events needed varies).
        var events = 0;
        (HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Body) ready = default;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            await broker.PublishEventAsync("data-hub.record.created", $$$"""{"meta":{"flowId":"{{{flows["snazzy.out"]}}}","oihUid":"65f0000000000000000{{{events:D5}}}"},"data":{"n":{{{events}}}}}""");
            var expected = (uint)++events;
            await Eventually.HoldsAsync(async () => await broker.CountAsync(wice) >= expected, Wait, $"copy {expected} in {wice}");
            ready = await HealthEndpointTests.GetAsync(client, HealthEndpoints.ReadyPath);
            if (ready.Body["components"]?["dispatchQueues"]?["status"]?.GetValue<string>() == "Degraded" || DateTime.UtcNow > deadline)
            {
                break;
            }
        }

        ready.Body["components"]!["dispatchQueues"]!["status"]!.GetValue<string>().Should().Be("Degraded", ready.Body.ToJsonString());
        await Eventually.HoldsAsync(() => gauge.Read().ContainsKey(flows["wice.CREATE"]), Wait, "the gauge reports the unread flow");
        // More probe rounds and a deeper queue: the gauge follows, the warning is not repeated.
        await broker.PublishEventAsync("data-hub.record.created", $$$"""{"meta":{"flowId":"{{{flows["snazzy.out"]}}}","oihUid":"65f000000000000000000099"},"data":{"n":99}}""");
        var deeper = events + 1;
        await Eventually.HoldsAsync(() => gauge.Read().GetValueOrDefault(flows["wice.CREATE"]) >= deeper, Wait, "the gauge follows the depth");

        ready.Status.Should().Be(HttpStatusCode.OK, "an unread dispatch queue degrades readiness but does not fail it");
        ready.Body["components"]!["dispatchQueues"]!["description"]!.GetValue<string>().Should().Contain(wice).And.NotContain(outlook);
        gauge.Read().Should().NotContainKey(flows["outlook.CREATE"], "that queue has a consumer");
        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("has no consumer and keeps growing")).ToList();
        warnings.Should().ContainSingle("one warning per flow").Which.Message.Should().Contain(wice);
    }

    private static async Task<bool> QueueExistsAsync(string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(TestBroker.Url) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }

    private static async Task<IAsyncDisposable> ConsumerAsync(string queue)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(TestBroker.Url) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.BasicConsumeAsync(queue, autoAck: true, new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel));
        return new Disposer(async () =>
        {
            await channel.DisposeAsync();
            await connection.DisposeAsync();
        });
    }

    private sealed class Disposer(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose();
    }

    /// <summary>Reads an observable gauge of the dispatcher's meter, by its <c>flow</c> tag.</summary>
    private sealed class GaugeReader : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _values = [];

        public GaugeReader(string instrument)
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "flow" && tag.Value is string flow)
                    {
                        _values[flow] = value;
                    }
                }
            });
            _listener.Start();
        }

        public Dictionary<string, long> Read()
        {
            lock (_values)
            {
                _values.Clear();
                _listener.RecordObservableInstruments();
                return new Dictionary<string, long>(_values);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
