using System.Collections.Concurrent;
using System.Text.Json;
using Dispatcher.Contracts;

namespace Crm.Sync;

/// <summary>One copy of a CRM change, for one partner system.</summary>
public sealed record PartnerDelivery(
    string ApplicationUid, string TargetFlowId, RecordOperation Operation, string? RecordUid, JsonElement Data, IReadOnlyDictionary<string, JsonElement> Meta);

/// <summary>Where the copies go: the partner systems' APIs in production.</summary>
public interface IPartnerDelivery
{
    Task DeliverAsync(PartnerDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>The sample's partner systems: keeps every delivery, so the sample (and its tests) can show them.</summary>
public sealed class PartnerInbox : IPartnerDelivery
{
    private readonly ConcurrentQueue<PartnerDelivery> _deliveries = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public IReadOnlyList<PartnerDelivery> Deliveries => [.. _deliveries];

    public Task DeliverAsync(PartnerDelivery delivery, CancellationToken cancellationToken)
    {
        _deliveries.Enqueue(delivery);
        _arrived.Release();
        return Task.CompletedTask;
    }

    /// <summary>Waits until <paramref name="done"/> holds for the deliveries so far, or <paramref name="timeout"/> passes.</summary>
    public async Task<IReadOnlyList<PartnerDelivery>> WaitAsync(Func<IReadOnlyList<PartnerDelivery>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done(Deliveries))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                break;
            }
        }

        return Deliveries;
    }
}
