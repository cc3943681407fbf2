using System.Diagnostics;
using RabbitMQ.Client;

namespace Dispatcher.LoadTest;

/// <summary>
/// Publishes record events as the platform does (raw JSON, persistent, no content type) with publisher confirms:
/// as fast as the broker confirms (a window of outstanding confirms), or at a fixed rate.
/// </summary>
public sealed class Publisher(IChannel channel, string exchange, string sourceFlowId, string sourceAppUid, IReadOnlyList<string> targetAppUids)
{
    private const int Window = 256;

    /// <summary>Publishes <paramref name="phase"/> as fast as confirms come back; returns the first publish's timestamp.</summary>
    public async Task<long> SaturateAsync(Phase phase, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pending = new List<Task>(Window);
        for (var seq = phase.FirstSeq; seq < phase.FirstSeq + phase.Count; seq++)
        {
            pending.Add(PublishAsync(seq, cancellationToken));
            if (pending.Count == Window)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending);
        return started;
    }

    /// <summary>Publishes <paramref name="phase"/> at <paramref name="eventsPerSecond"/>, evenly spaced.</summary>
    public async Task<long> RateLimitedAsync(Phase phase, double eventsPerSecond, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pending = new List<Task>();
        for (var i = 0L; i < phase.Count; i++)
        {
            var due = started + (long)(i * Stopwatch.Frequency / eventsPerSecond);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
            }

            pending.Add(PublishAsync(phase.FirstSeq + i, cancellationToken));
            if (pending.Count >= Window)
            {
                pending.RemoveAll(t => t.IsCompletedSuccessfully);
            }
        }

        await Task.WhenAll(pending);
        return started;
    }

    private async Task PublishAsync(long seq, CancellationToken cancellationToken)
    {
        var body = EventBody.Create(seq, sourceFlowId, sourceAppUid, targetAppUids);
        var properties = new BasicProperties { Persistent = true };
        await channel.BasicPublishAsync(exchange, EventBody.CreatedEvent, mandatory: true, properties, body, cancellationToken);
    }
}
