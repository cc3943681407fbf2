using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.RabbitMq;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// Events published the way the platform's event-bus client 1.3.0 does — not persistent — and a broker restart in the
/// middle of the stream, on a private RabbitMQ node (the shared one is never restarted), through the running host.
/// Must hold: no event is half dispatched (every target has it, or none has). Measured and reported: how many events
/// were lost, split into those the dispatcher had received (goal 0) and those the broker dropped before delivering
/// them (non-persistent input: the dispatcher cannot help it).
/// </summary>
[NonParallelizable]
public sealed class NonPersistentRestartTests
{
    private const int Events = 3000;
    private const int RestartAfter = 1000;
    private const int Batch = 10;
    // About 150 events a second: a stream the dispatcher keeps up with here, so the restart hits events in flight
    // rather than a backlog (which a broker restart drops whatever the consumer does).
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(120);

    [Test]
    public async Task A_broker_restart_mid_stream_leaves_no_event_half_dispatched_over_three_runs()
    {
        if (!PrivateBroker.Available)
        {
            Assert.Ignore("rabbitmq-server is not installed (build/test.sh installs it).");
        }

        await using var broker = await PrivateBroker.StartNewAsync(TimeSpan.FromSeconds(60));
        var results = new List<RunResult>();
        for (var run = 1; run <= 3; run++)
        {
            results.Add(await RunAsync(broker, run));
        }

        foreach (var result in results)
        {
            await TestContext.Progress.WriteLineAsync($"[restart] {result}");
            await TestContext.Out.WriteLineAsync($"[restart] {result}");
        }

        results.Should().OnlyContain(r => r.Partial.Count == 0, "no event may reach one target and not the other");
        // Before the dispatcher finished what it had received, 1 and 10 of 3,000 were lost this way (runs 1 and 2).
        results.Should().OnlyContain(r => r.LostAfterDelivery == 0, "an event the dispatcher received is finished");
    }

    private static async Task<RunResult> RunAsync(PrivateBroker broker, int run)
    {
        var received = new ConcurrentDictionary<int, bool>();
        var settings = new Dictionary<string, string?>
        {
            ["Messaging:RabbitMqUrl"] = broker.Url,
            ["Messaging:Destination"] = "QueuePerFlow",
            ["Messaging:Queue"] = $"dispatcher-service-run{run}",
        };
        await using var factory = new DispatcherApiFactory(settings, services =>
            services.AddReceiveObserver(_ => new ReceivedEvents(received)));
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        string[] targets = [$"dispatch.{flows["wice.CREATE"]}", $"dispatch.{flows["outlook.CREATE"]}"];
        await using var collector = new Collector(broker.Url, targets);
        await using var producer = new Producer(broker.Url);
        await WaitForConsumerAsync(broker.Url, settings["Messaging:Queue"]!, TimeSpan.FromSeconds(30));
        collector.Start();

        var clock = Stopwatch.StartNew();
        Task restart = Task.CompletedTask;
        TimeSpan stoppedAt = default, startedAt = default;
        for (var n = 0; n < Events; n += Batch)
        {
            if (n == RestartAfter)
            {
                restart = Task.Run(async () =>
                {
                    await broker.StopAsync();
                    stoppedAt = clock.Elapsed;
                    await broker.StartAsync(TimeSpan.FromSeconds(60));
                    startedAt = clock.Elapsed;
                });
            }

            await Task.WhenAll(Enumerable.Range(n, Batch).Select(i => producer.PublishAsync(Body(flows["snazzy.out"], i))));
            await Task.Delay(BatchInterval);
        }

        await restart;
        // Settled: nothing new arrived for a while and the service queue is empty.
        var lastCount = -1;
        var quietSince = Stopwatch.StartNew();
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < Settle)
        {
            var count = collector.Total;
            if (count != lastCount)
            {
                lastCount = count;
                quietSince.Restart();
            }
            else if (quietSince.Elapsed > TimeSpan.FromSeconds(8) && await QueueDepthAsync(broker.Url, settings["Messaging:Queue"]!) == 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        var perEvent = Enumerable.Range(0, Events).Select(n => targets.Count(t => collector.Has(t, n))).ToArray();
        var partial = Enumerable.Range(0, Events).Where(n => perEvent[n] != 0 && perEvent[n] != targets.Length).ToList();
        var lost = Enumerable.Range(0, Events).Where(n => perEvent[n] == 0).ToList();
        return new RunResult(
            run,
            partial,
            lost.Count(received.ContainsKey),
            lost.Count(n => !received.ContainsKey(n)),
            collector.Duplicates,
            producer.Retries,
            stoppedAt,
            startedAt);
    }

    private static byte[] Body(string sourceFlow, int n) => Encoding.UTF8.GetBytes(
        "{\"headers\":{\"name\":\"data-hub.record.created\",\"createdAt\":" + (1_700_000_000_000 + n) + ",\"serviceName\":\"data-hub\"}," +
        "\"payload\":{\"meta\":{\"recordUid\":\"r" + n + "\",\"applicationUid\":\"snazzy1234\",\"flowId\":\"" + sourceFlow + "\",\"oihUid\":\"np-" + n + "\"}," +
        "\"data\":{\"n\":" + n + "}}}");

    private static int EventNumber(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            return document.RootElement.GetProperty("payload").GetProperty("data").GetProperty("n").GetInt32();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return -1;
        }
    }

    private static ConnectionFactory Factory(string url, string name) => new()
    {
        Uri = new Uri(url),
        AutomaticRecoveryEnabled = true,
        TopologyRecoveryEnabled = false,
        NetworkRecoveryInterval = TimeSpan.FromMilliseconds(500),
        RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
        ClientProvidedName = name,
    };

    private static async Task<long> QueueDepthAsync(string url, string queue)
    {
        try
        {
            await using var connection = await Factory(url, "np-probe").CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (Exception)
        {
            return -1;
        }
    }

    private static async Task WaitForConsumerAsync(string url, string queue, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            try
            {
                await using var connection = await Factory(url, "np-probe").CreateConnectionAsync();
                await using var channel = await connection.CreateChannelAsync();
                if ((await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount > 0)
                {
                    return;
                }
            }
            catch (Exception) when (watch.Elapsed < timeout)
            {
                // Not declared yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail($"No consumer on {queue} within {timeout}.");
    }

    private sealed record RunResult(
        int Run, List<int> Partial, int LostAfterDelivery, int LostBeforeDelivery, int Duplicates, int ProducerRetries,
        TimeSpan StoppedAt, TimeSpan StartedAt)
    {
        public override string ToString() =>
            $"run {Run}: {Events} non-persistent events, broker stopped at {StoppedAt.TotalSeconds:F1} s and back at {StartedAt.TotalSeconds:F1} s; " +
            $"half dispatched {Partial.Count}{(Partial.Count > 0 ? $" ({string.Join(",", Partial.Take(10))})" : string.Empty)}; " +
            $"lost {LostAfterDelivery + LostBeforeDelivery}: {LostAfterDelivery} after the dispatcher received them, {LostBeforeDelivery} dropped by the broker before delivery; " +
            $"duplicate copies {Duplicates}; producer publishes repeated {ProducerRetries}";
    }

    /// <summary>Every event the dispatcher's receive pipeline got, by number (the earliest hook MassTransit offers).</summary>
    private sealed class ReceivedEvents(ConcurrentDictionary<int, bool> received) : IReceiveObserver
    {
        public Task PreReceive(ReceiveContext context)
        {
            var n = EventNumber(context.Body.GetBytes());
            if (n >= 0)
            {
                received[n] = true;
            }

            return Task.CompletedTask;
        }

        public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class => Task.CompletedTask;

        public Task ReceiveFault(ReceiveContext context, Exception exception) => Task.CompletedTask;
    }

    /// <summary>Publishes like the platform (no delivery mode: not persistent), but confirmed and repeated until the broker took it.</summary>
    private sealed class Producer(string url) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private IConnection? _connection;
        private IChannel? _channel;
        private int _retries;

        public int Retries => Volatile.Read(ref _retries);

        public async Task PublishAsync(byte[] body)
        {
            while (true)
            {
                try
                {
                    var channel = await ChannelAsync();
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                    await channel.BasicPublishAsync("event-bus", "data-hub.record.created", mandatory: true, new BasicProperties(), body, timeout.Token);
                    return;
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref _retries);
                    await Task.Delay(200);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (_channel is not null)
                {
                    await _channel.DisposeAsync();
                }

                if (_connection is not null)
                {
                    await _connection.DisposeAsync();
                }
            }
            catch (Exception)
            {
                // Gone with the broker.
            }

            _lock.Dispose();
        }

        private async Task<IChannel> ChannelAsync()
        {
            if (_channel is { IsOpen: true } open)
            {
                return open;
            }

            await _lock.WaitAsync();
            try
            {
                if (_channel is { IsOpen: true } again)
                {
                    return again;
                }

                if (_connection is not { IsOpen: true })
                {
                    if (_connection is not null)
                    {
                        try
                        {
                            await _connection.DisposeAsync();
                        }
                        catch (Exception)
                        {
                            // Broken already.
                        }
                    }

                    _connection = await Factory(url, "np-producer").CreateConnectionAsync();
                }

                _channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
                return _channel;
            }
            finally
            {
                _lock.Release();
            }
        }
    }

    /// <summary>Drains the target queues (acknowledging), reconnecting after the restart.</summary>
    private sealed class Collector(string url, string[] queues) : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<(string Queue, int Event), int> _seen = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private int _total;

        public int Total => Volatile.Read(ref _total);

        public int Duplicates => _seen.Values.Sum(c => c - 1);

        public bool Has(string queue, int n) => _seen.ContainsKey((queue, n));

        public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            IConnection? connection = null;
            IChannel? channel = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (connection is not { IsOpen: true })
                    {
                        connection = await Factory(url, "np-collector").CreateConnectionAsync(cancellationToken);
                        channel = null;
                    }

                    channel ??= await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                    foreach (var queue in queues)
                    {
                        while (await channel.BasicGetAsync(queue, autoAck: true, cancellationToken) is { } message)
                        {
                            _seen.AddOrUpdate((queue, EventNumber(message.Body.Span)), 1, (_, c) => c + 1);
                            Interlocked.Increment(ref _total);
                        }
                    }
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    channel = null;
                }

                try
                {
                    await Task.Delay(100, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            try
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }
            catch (Exception)
            {
                // Best effort.
            }
        }
    }
}
