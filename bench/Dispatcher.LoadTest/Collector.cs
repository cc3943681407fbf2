using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Dispatcher.LoadTest;

/// <summary>A range of event numbers published together (warm-up, saturating run, rate-limited run).</summary>
public sealed class Phase(string name, long firstSeq, long count)
{
    public string Name { get; } = name;

    public long FirstSeq { get; } = firstSeq;

    public long Count { get; } = count;

    public bool Contains(long seq) => seq >= FirstSeq && seq < FirstSeq + Count;
}

/// <summary>
/// Counts every dispatch at its destination queues: which event numbers arrived on which queue (duplicates are
/// counted apart, never as progress), and the latency from publish to arrival per phase.
/// </summary>
public sealed class Collector : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, bool[]> _seen;
    private readonly Phase[] _phases;
    private readonly long[] _unique;
    private readonly long[] _lastArrival;
    private readonly List<long>[] _latencies;
    private readonly List<IChannel> _channels = [];
    private readonly IConnection _connection;
    private long _duplicates;
    private long _foreign;

    private Collector(IConnection connection, IReadOnlyList<string> queues, Phase[] phases)
    {
        _connection = connection;
        _phases = phases;
        var capacity = phases.Max(p => p.FirstSeq + p.Count);
        _seen = queues.ToDictionary(q => q, _ => new bool[capacity]);
        _unique = new long[phases.Length];
        _lastArrival = new long[phases.Length];
        _latencies = phases.Select(p => new List<long>((int)Math.Min(p.Count * queues.Count, 4_000_000))).ToArray();
    }

    public int Queues => _seen.Count;

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Foreign => Interlocked.Read(ref _foreign);

    /// <summary>Starts consuming <paramref name="queues"/> (which must exist) with automatic acknowledgement.</summary>
    public static async Task<Collector> StartAsync(IConnection connection, IReadOnlyList<string> queues, Phase[] phases)
    {
        var collector = new Collector(connection, queues, phases);
        foreach (var queue in queues)
        {
            var channel = await connection.CreateChannelAsync();
            collector._channels.Add(channel);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                collector.OnMessage(queue, delivery.Body.Span);
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        }

        return collector;
    }

    /// <summary>Unique dispatches of <paramref name="phase"/> that arrived so far.</summary>
    public long Unique(Phase phase)
    {
        lock (_gate)
        {
            return _unique[IndexOf(phase)];
        }
    }

    /// <summary>Waits until <paramref name="phase"/> has all its dispatches, or no new one arrived for <paramref name="idle"/>.</summary>
    public async Task<bool> WaitForAsync(Phase phase, TimeSpan idle)
    {
        var expected = phase.Count * Queues;
        var lastCount = -1L;
        var lastProgress = Stopwatch.GetTimestamp();
        while (true)
        {
            var count = Unique(phase);
            if (count >= expected)
            {
                return true;
            }

            if (count != lastCount)
            {
                lastCount = count;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > idle)
            {
                return false;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Last arrival of <paramref name="phase"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public long LastArrival(Phase phase)
    {
        lock (_gate)
        {
            return _lastArrival[IndexOf(phase)];
        }
    }

    /// <summary>Latency percentiles of <paramref name="phase"/> in milliseconds (p50, p95, p99, max).</summary>
    public (double P50, double P95, double P99, double Max) Latency(Phase phase)
    {
        long[] samples;
        lock (_gate)
        {
            samples = [.. _latencies[IndexOf(phase)]];
        }

        if (samples.Length == 0)
        {
            return (double.NaN, double.NaN, double.NaN, double.NaN);
        }

        Array.Sort(samples);
        double Ms(double q) => samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(q * samples.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
        return (Ms(0.50), Ms(0.95), Ms(0.99), samples[^1] * 1000.0 / Stopwatch.Frequency);
    }

    /// <summary>Per queue, the event numbers of <paramref name="phase"/> that never arrived (at most a few).</summary>
    public IEnumerable<string> Missing(Phase phase, int max = 5)
    {
        lock (_gate)
        {
            foreach (var (queue, seen) in _seen)
            {
                var missing = new List<long>();
                for (var seq = phase.FirstSeq; seq < phase.FirstSeq + phase.Count && missing.Count < max; seq++)
                {
                    if (!seen[seq])
                    {
                        missing.Add(seq);
                    }
                }

                if (missing.Count > 0)
                {
                    yield return $"{queue}: {string.Join(", ", missing)}…";
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            try
            {
                await channel.CloseAsync();
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or OperationCanceledException)
            {
                // Queue deleted under us.
            }

            channel.Dispose();
        }

        GC.KeepAlive(_connection);
    }

    // Phases are matched by their first event number, so a shorter phase than announced (rate-limited) works too.
    private int IndexOf(Phase phase) => Array.FindIndex(_phases, p => p.FirstSeq == phase.FirstSeq);

    private void OnMessage(string queue, ReadOnlySpan<byte> body)
    {
        var now = Stopwatch.GetTimestamp();
        if (!EventBody.TryReadStamp(body, out var seq, out var sentTs))
        {
            Interlocked.Increment(ref _foreign);
            return;
        }

        lock (_gate)
        {
            var seen = _seen[queue];
            if (seq >= seen.Length)
            {
                _foreign++;
                return;
            }

            if (seen[seq])
            {
                _duplicates++;
                return;
            }

            seen[seq] = true;
            for (var p = 0; p < _phases.Length; p++)
            {
                if (_phases[p].Contains(seq))
                {
                    _unique[p]++;
                    _lastArrival[p] = now;
                    _latencies[p].Add(now - sentTs);
                    break;
                }
            }
        }
    }
}
