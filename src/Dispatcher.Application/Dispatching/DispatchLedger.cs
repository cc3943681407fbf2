using System.Collections.Concurrent;
using Dispatcher.Application.Ports;

namespace Dispatcher.Application.Dispatching;

/// <summary>
/// This instance's short memory of which copies already got how far, so that an event retried because a later step
/// failed (an announcement not confirmed) does not repeat the steps that succeeded: the copy is not delivered twice,
/// an announcement not published twice. Keyed by the copy's deterministic message id. Bounded: an entry is kept for
/// <see cref="Retention"/> and at most <see cref="Capacity"/> entries (oldest first out). Process-local: after a restart,
/// or when another instance handles the redelivery, steps are repeated with the same message ids (at-least-once).
/// Used only while an <see cref="IDispatchNotifier"/> is enabled; thread-safe.
/// </summary>
public sealed class DispatchLedger(TimeProvider timeProvider)
{
    /// <summary>How long a step is remembered (covers the retry policy and a prompt redrive).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(15);

    /// <summary>At most this many steps are remembered.</summary>
    public const int Capacity = 200_000;

    private readonly ConcurrentDictionary<(Guid, DispatchStage), DateTimeOffset> _done = new();
    private readonly ConcurrentQueue<((Guid, DispatchStage) Key, DateTimeOffset At)> _order = new();

    /// <summary>Entries held now (tests, diagnostics).</summary>
    public int Count => _done.Count;

    /// <summary>True when <paramref name="messageId"/> reached <paramref name="stage"/> within <see cref="Retention"/>.</summary>
    public bool Has(Guid messageId, DispatchStage stage) =>
        _done.TryGetValue((messageId, stage), out var at) && timeProvider.GetUtcNow() - at < Retention;

    /// <summary>Remembers that <paramref name="messageId"/> reached <paramref name="stage"/>.</summary>
    public void Record(Guid messageId, DispatchStage stage)
    {
        var now = timeProvider.GetUtcNow();
        var key = (messageId, stage);
        _done[key] = now;
        _order.Enqueue((key, now));
        Trim(now);
    }

    private void Trim(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && (_order.Count > Capacity || now - oldest.At >= Retention))
        {
            if (!_order.TryDequeue(out oldest))
            {
                break;
            }

            // Only when not recorded again since (a later Record re-enqueued it with a newer time).
            _done.TryRemove(new KeyValuePair<(Guid, DispatchStage), DateTimeOffset>(oldest.Key, oldest.At));
        }
    }
}
