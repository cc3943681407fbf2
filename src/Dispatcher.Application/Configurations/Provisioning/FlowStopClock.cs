using System.Collections.Concurrent;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>
/// Since when each flow being removed has been stopping, as this process saw it: a removal gives a stopping flow its
/// whole <see cref="FlowProvisioningOptions.StopWaitTimeout"/> from the stop, however long ago the removal was asked for.
/// </summary>
public sealed class FlowStopClock(TimeProvider timeProvider)
{
    // Entries go when their removal ends; this bounds those another instance finished.
    private const int PruneAbove = 10_000;
    private static readonly TimeSpan PruneOlderThan = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<FlowId, DateTimeOffset> _since = new();

    /// <summary>The flow was just asked to stop.</summary>
    public void Stopped(FlowId flowId)
    {
        var now = timeProvider.GetUtcNow();
        if (_since.Count >= PruneAbove)
        {
            foreach (var (id, since) in _since.Where(e => now - e.Value > PruneOlderThan))
            {
                _since.TryRemove(id, out _);
            }
        }

        _since[flowId] = now;
    }

    /// <summary>How long the flow has been stopping (zero the first time this process sees it stopping).</summary>
    public TimeSpan StoppingFor(FlowId flowId)
    {
        var now = timeProvider.GetUtcNow();
        return now - _since.GetOrAdd(flowId, now);
    }

    /// <summary>The removal ended (done or failed).</summary>
    public void Forget(FlowId flowId) => _since.TryRemove(flowId, out _);
}
