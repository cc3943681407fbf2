using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Configurations;
using Dispatcher.TestSupport.RabbitMq;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// The test's own producer of platform events: plain RabbitMQ.Client, persistent, mandatory, publisher confirms, and
/// every publish that is not confirmed (broker away, channel closed, confirm timeout, return) is retried with the same
/// bytes and message id until it is — so the producer itself loses nothing across a broker outage.
/// </summary>
internal sealed class LossProducer(string exchange, Stopwatch clock) : IAsyncDisposable
{
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(3);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;
    private int _retries;
    private int _returns;

    /// <summary>Publishes that had to be repeated.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Publishes returned as unroutable (each was repeated).</summary>
    public int Returns => Volatile.Read(ref _returns);

    /// <summary>When the first publish failed (clock time), if one did.</summary>
    public TimeSpan? FirstFailureAt { get; private set; }

    /// <summary>When a publish was confirmed again after the last failure.</summary>
    public TimeSpan? ResumedAt { get; private set; }

    /// <summary>When the producer's connection was first lost (clock time), if it was.</summary>
    public TimeSpan? ConnectionLostAt { get; private set; }

    /// <summary>When the client last recovered the producer's connection.</summary>
    public TimeSpan? ConnectionRecoveredAt { get; private set; }

    /// <summary>The last failure seen.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>An event in the platform's event-bus format, with a fixed <c>createdAt</c> so a repeat has the same bytes.</summary>
    public static byte[] EventBody(string eventName, string payloadJson, long createdAt) => Encoding.UTF8.GetBytes(
        $$$"""{"headers":{"name":"{{{eventName}}}","createdAt":{{{createdAt}}},"serviceName":"data-hub"},"payload":{{{payloadJson}}}}""");

    /// <summary>Publishes until the broker confirms (retrying every failure); only <paramref name="cancellationToken"/> ends it early.
    /// Safe to call concurrently (confirms of concurrent publishes overlap).</summary>
    public async Task PublishConfirmedAsync(string routingKey, byte[] body, string messageId, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties { Persistent = true, MessageId = messageId };
        var failed = false;
        while (true)
        {
            try
            {
                var channel = await ChannelAsync(cancellationToken);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ConfirmTimeout);
                await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, timeout.Token);
                if (failed)
                {
                    ResumedAt = clock.Elapsed;
                }

                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (e is PublishException { IsReturn: true })
                {
                    Interlocked.Increment(ref _returns);
                }

                Interlocked.Increment(ref _retries);
                FirstFailureAt ??= clock.Elapsed;
                LastError = e;
                failed = true;
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await LossConnections.CloseQuietlyAsync(_channel, _connection);
        _lock.Dispose();
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_connection is null)
            {
                _connection = await LossConnections.Factory("dispatcher-loss-tests-producer").CreateConnectionAsync(cancellationToken);
                _connection.ConnectionShutdownAsync += (_, _) =>
                {
                    ConnectionLostAt ??= clock.Elapsed;
                    return Task.CompletedTask;
                };
                _connection.RecoverySucceededAsync += (_, _) =>
                {
                    ConnectionRecoveredAt = clock.Elapsed;
                    return Task.CompletedTask;
                };
            }

            if (_channel is { IsOpen: false } && _connection.IsOpen)
            {
                // Closed on its own (not by an outage the connection recovers from): replace it.
                await LossConnections.CloseQuietlyAsync(_channel, null);
                _channel = null;
            }

            return _channel ??= await _connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }
}

/// <summary>One dispatch read from a target queue.</summary>
/// <param name="MessageId">The AMQP message id.</param>
/// <param name="Event">The event number carried in <c>payload.data.n</c>.</param>
/// <param name="Redelivered">Set by the broker when the collector itself had it before without acknowledging.</param>
/// <param name="At">When it was read (clock time).</param>
/// <param name="Persistent">Delivery mode 2 (kept on disk by the broker).</param>
internal sealed record CollectedDispatch(string MessageId, int Event, bool Redelivered, TimeSpan At, bool Persistent);

/// <summary>Counts of one target queue.</summary>
internal sealed record LossCounts(string Queue, int Received, int DistinctIds, int DistinctEvents, int Redelivered)
{
    /// <summary>Messages beyond the first per message id.</summary>
    public int Duplicates => Received - DistinctIds;

    public override string ToString() =>
        $"{Queue}: received {Received}, distinct ids {DistinctIds}, distinct events {DistinctEvents}, duplicates {Duplicates} (redelivered to the collector {Redelivered})";
}

/// <summary>
/// Reads dispatches from target queues in the background, tolerating a broker outage: manual acknowledgement after
/// recording (a lost ack gives a redelivery, recorded again with the same id — never a lost message).
/// </summary>
internal sealed class LossCollector : IAsyncDisposable
{
    private readonly string[] _queues;
    private readonly Stopwatch _clock;
    private readonly Dictionary<string, List<CollectedDispatch>> _received;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private IConnection? _connection;
    private IChannel? _channel;
    private int _errors;
    private volatile bool _paused;

    public LossCollector(IEnumerable<string> queues, Stopwatch clock)
    {
        _queues = [.. queues];
        _clock = clock;
        _received = _queues.ToDictionary(q => q, _ => new List<CollectedDispatch>());
    }

    /// <summary>Failed polls (broker away, queue not declared yet).</summary>
    public int Errors => Volatile.Read(ref _errors);

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Stops reading (what arrives meanwhile waits in the durable queues) until <see cref="Resume"/>.</summary>
    public void Pause() => _paused = true;

    public void Resume() => _paused = false;

    /// <summary>Distinct message ids read from <paramref name="queue"/> so far.</summary>
    public int DistinctIds(string queue)
    {
        lock (_received)
        {
            return _received[queue].Select(d => d.MessageId).Distinct().Count();
        }
    }

    /// <summary>Everything read from <paramref name="queue"/> so far.</summary>
    public List<CollectedDispatch> Received(string queue)
    {
        lock (_received)
        {
            return [.. _received[queue]];
        }
    }

    /// <summary>When the last new message id arrived (clock time): all dispatches were there from then on.</summary>
    public TimeSpan LastNewIdAt()
    {
        lock (_received)
        {
            return _received.Values
                .SelectMany(list => list.GroupBy(d => d.MessageId).Select(g => g.Min(d => d.At)))
                .DefaultIfEmpty(TimeSpan.Zero)
                .Max();
        }
    }

    /// <summary>The counts of <paramref name="queue"/>.</summary>
    public LossCounts Counts(string queue)
    {
        var received = Received(queue);
        return new LossCounts(
            queue,
            received.Count,
            received.Select(d => d.MessageId).Distinct().Count(),
            received.Select(d => d.Event).Distinct().Count(),
            received.Count(d => d.Redelivered));
    }

    /// <summary>
    /// Waits until every queue has <paramref name="distinct"/> distinct ids; false after <paramref name="timeout"/>
    /// (at least 5 s), so the test can still report what arrived.
    /// </summary>
    public async Task<bool> WaitForDistinctAsync(int distinct, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        timeout = timeout < TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : timeout;
        while (_queues.Any(q => DistinctIds(q) < distinct))
        {
            if (watch.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100);
        }

        // A little longer, so late duplicates are counted too.
        await Task.Delay(500);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await LossConnections.CloseQuietlyAsync(_channel, _connection);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var queue in _paused ? [] : _queues)
            {
                try
                {
                    await DrainAsync(queue, cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // Broker away, or the queue not declared yet (404 closes the channel): next round.
                    Interlocked.Increment(ref _errors);
                }
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task DrainAsync(string queue, CancellationToken cancellationToken)
    {
        _connection ??= await LossConnections.Factory("dispatcher-loss-tests-collector").CreateConnectionAsync(cancellationToken);
        if (_channel is not { IsOpen: true })
        {
            if (!_connection.IsOpen)
            {
                return;
            }

            await LossConnections.CloseQuietlyAsync(_channel, null);
            _channel = null;
            _channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        }

        while (await _channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } message)
        {
            var body = JsonDocument.Parse(message.Body);
            var n = body.RootElement.GetProperty("payload").GetProperty("data").GetProperty("n").GetInt32();
            lock (_received)
            {
                _received[queue].Add(new CollectedDispatch(message.BasicProperties.MessageId ?? "(none)", n, message.Redelivered, _clock.Elapsed, message.BasicProperties.Persistent));
            }

            await _channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
        }
    }
}

/// <summary>Connections of the loss tests' own clients.</summary>
internal static class LossConnections
{
    /// <summary>The broker the loss tests' clients use: the shared test broker unless a test points them at its own node.</summary>
    public static string Url { get; set; } = TestBroker.Url;

    public static ConnectionFactory Factory(string name) => new()
    {
        Uri = new Uri(Url),
        AutomaticRecoveryEnabled = true,
        TopologyRecoveryEnabled = false,
        NetworkRecoveryInterval = TimeSpan.FromMilliseconds(500),
        RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
        ClientProvidedName = name,
    };

    /// <summary>The consumers of <paramref name="queue"/> (−1 when it cannot be asked).</summary>
    public static async Task<long> ConsumerCountAsync(string queue)
    {
        try
        {
            await using var connection = await Factory("dispatcher-loss-tests-probe").CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            return (await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;
        }
        catch (Exception e) when (e is OperationInterruptedException or BrokerUnreachableException)
        {
            return -1;
        }
    }

    /// <summary>Messages ready in <paramref name="queue"/> (−1 when it cannot be asked, e.g. it does not exist).</summary>
    public static async Task<long> MessageCountAsync(string queue)
    {
        try
        {
            await using var connection = await Factory("dispatcher-loss-tests-probe").CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (Exception e) when (e is OperationInterruptedException or BrokerUnreachableException)
        {
            return -1;
        }
    }

    /// <summary>Waits until <paramref name="queue"/> has a consumer (a dispatcher instance consumes it).</summary>
    public static Task WaitForConsumerAsync(string queue, TimeSpan timeout) => WaitForConsumersAsync(queue, c => c >= 1, timeout);

    /// <summary>Waits until <paramref name="queue"/> has no consumer (the broker noticed a dispatcher went away).</summary>
    public static Task WaitForNoConsumerAsync(string queue, TimeSpan timeout) => WaitForConsumersAsync(queue, c => c == 0, timeout);

    private static async Task WaitForConsumersAsync(string queue, Func<long, bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        long count;
        while (!condition(count = await ConsumerCountAsync(queue)))
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"The consumers of {queue} did not reach the expected count within {timeout} (last seen: {count}).");
            }

            await Task.Delay(50);
        }
    }

    public static async Task CloseQuietlyAsync(IChannel? channel, IConnection? connection)
    {
        try
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
        catch (Exception)
        {
            // Already gone with the broker.
        }
    }
}

/// <summary>The expected dispatches of a loss test and the checks and report over what arrived.</summary>
internal sealed class LossExpectation(int events, IReadOnlyDictionary<string, string> targetFlowsByQueue)
{
    private readonly Guid[] _eventIds = [.. Enumerable.Range(0, events).Select(_ => Guid.NewGuid())];

    public int Events => events;

    public IEnumerable<string> Queues => targetFlowsByQueue.Keys;

    public int Dispatches => events * targetFlowsByQueue.Count;

    /// <summary>
    /// Publishes events <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> − 1 concurrently
    /// (a created record from <paramref name="sourceFlow"/> each, <c>data.n</c> = its number) and waits for every confirm.
    /// </summary>
    public Task PublishAsync(LossProducer producer, string sourceFlow, int from, int count, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(from, Math.Min(count, events - from)).Select(n =>
        {
            var payload = $$$"""{"meta":{"domainId":"5d9b","schema":"person","recordUid":"r{{{n}}}","applicationUid":"snazzy1234","flowId":"{{{sourceFlow}}}","oihUid":"loss-{{{n}}}"},"data":{"n":{{{n}}}}}""";
            var body = LossProducer.EventBody("data-hub.record.created", payload, 1_700_000_000_000 + n);
            return producer.PublishConfirmedAsync("data-hub.record.created", body, EventMessageId(n), cancellationToken);
        }));

    /// <summary>The AMQP message id of event <paramref name="n"/>.</summary>
    public string EventMessageId(int n) => _eventIds[n].ToString();

    /// <summary>The dispatch id the service must give event <paramref name="n"/>'s copy for the flow behind <paramref name="queue"/>.</summary>
    public string DispatchId(int n, string queue) =>
        MessageIds.ForDispatch(_eventIds[n].ToString("N"), FlowId.Parse(targetFlowsByQueue[queue])).ToString();

    /// <summary>
    /// Per target: exactly the expected distinct ids, one per event (count == events), every duplicate with the id of
    /// its event, and nothing in the error queue.
    /// </summary>
    public void AssertEveryDispatchArrivedOnce(LossCollector collector)
    {
        foreach (var queue in Queues)
        {
            var received = collector.Received(queue);
            var counts = collector.Counts(queue);
            counts.DistinctIds.Should().Be(events, "every event must reach {0} ({1})", queue, counts);
            received.Should().OnlyContain(d => d.Persistent, "dispatches must be persistent to survive a broker restart");
            received.GroupBy(d => d.Event)
                .Where(g => g.Select(d => d.MessageId).Distinct().Count() != 1)
                .Select(g => g.Key)
                .Should().BeEmpty("every duplicate must carry the same message id as its original ({0})", queue);
            received.Select(d => d.MessageId).Distinct()
                .Should().BeEquivalentTo(Enumerable.Range(0, events).Select(n => DispatchId(n, queue)),
                    "each event's copy for {0} has the deterministic id of that event and target", queue);
        }
    }

    /// <summary>Writes the counts (to the test output and the progress stream).</summary>
    public async Task ReportAsync(string test, LossCollector collector, IEnumerable<string> extraLines)
    {
        var lines = new List<string>
        {
            $"[loss] {test}: events published {events}, dispatches expected {Dispatches} ({events} per target x {targetFlowsByQueue.Count} targets)",
        };
        lines.AddRange(Queues.Select(q => $"[loss]   {collector.Counts(q)}"));
        lines.Add($"[loss]   distinct delivered {Queues.Sum(q => collector.Counts(q).DistinctIds)}, duplicates {Queues.Sum(q => collector.Counts(q).Duplicates)}");
        lines.AddRange(extraLines.Select(l => $"[loss]   {l}"));
        foreach (var line in lines)
        {
            await TestContext.Out.WriteLineAsync(line);
            await TestContext.Progress.WriteLineAsync(line);
        }
    }
}

/// <summary>
/// The set-up the instance-loss tests share: settings for dispatchers that share one SQLite file (store and standalone
/// flow registry) on <paramref name="broker"/>'s names, the three-app example made through the API once, and the
/// expectation of its two CREATE targets.
/// </summary>
internal static class LossSetup
{
    public static async Task<(Dictionary<string, string?> Settings, Dictionary<string, string> Flows, LossExpectation Expectation)> CreateAsync(
        TestBroker broker, string database, int events, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var settings = new Dictionary<string, string?>(TestTokens.JwtSettings)
        {
            ["Storage:Sqlite:Path"] = database,
            ["FlowRegistry:Standalone:Path"] = database,
            ["Reconciler:Enabled"] = "false",
        };
        foreach (var (key, value) in broker.Settings.Concat(extraSettings ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }

        // The configuration is made through the API once; the instances only read it from the shared file. This
        // set-up instance runs without the broker (in-memory bus): a disposed in-process host's bus was seen to go on
        // consuming with a disposed service provider, which would take events away from the instances under test.
        Dictionary<string, string> flows;
        var setupSettings = new Dictionary<string, string?>(settings) { ["Messaging:RabbitMqUrl"] = string.Empty };
        await using (var setup = new DispatcherApiFactory(setupSettings))
        {
            using var client = setup.ClientFor("tenant-a");
            flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        }

        var expectation = new LossExpectation(events, new Dictionary<string, string>
        {
            [$"dispatch.{flows["wice.CREATE"]}"] = flows["wice.CREATE"],
            [$"dispatch.{flows["outlook.CREATE"]}"] = flows["outlook.CREATE"],
        });
        foreach (var queue in expectation.Queues)
        {
            broker.Track(queue);
        }

        return (settings, flows, expectation);
    }
}
