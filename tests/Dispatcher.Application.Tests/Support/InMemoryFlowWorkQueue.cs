using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Tests.Support;

/// <summary>
/// <see cref="IFlowWorkQueue"/> in memory, following the contract of the stored queues: one entry per flow, due at
/// its <see cref="FlowWork.RequestedAt"/>; a later entry for the same flow replaces the earlier one (new generation,
/// attempts reset) except that a pending removal stays a removal; a claim hides an entry until the claim expires;
/// <see cref="CompleteAsync"/> and <see cref="RescheduleAsync"/> only touch the generation they were given.
/// Every write is also recorded (<see cref="Writes"/>) so a test can tell what arrived in which call.
/// </summary>
internal sealed class InMemoryFlowWorkQueue : IFlowWorkQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<FlowId, PendingFlowWork> _entries = [];
    private readonly List<(string Source, IReadOnlyList<FlowWork> Work)> _writes = [];
    private long _generation;
    private int _claims;

    /// <summary>Every write in order: its source ("Add", "Update", "Delete" for repository writes, "Enqueue") and its work.</summary>
    public IReadOnlyList<(string Source, IReadOnlyList<FlowWork> Work)> Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>The stored entries (a snapshot), by flow.</summary>
    public IReadOnlyDictionary<FlowId, PendingFlowWork> Entries
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<FlowId, PendingFlowWork>(_entries);
            }
        }
    }

    /// <summary>The next claim fails (the store is unreachable).</summary>
    public bool FailNextClaim { get; set; }

    /// <summary>How often <see cref="ClaimDueAsync"/> was called.</summary>
    public int Claims => Volatile.Read(ref _claims);

    /// <summary>
    /// Stores work as a write of <paramref name="source"/> would (the repository fakes call this in their
    /// Add/Update/Delete, the "same transaction" as the change).
    /// </summary>
    public void Write(string source, IReadOnlyCollection<FlowWork> work)
    {
        lock (_gate)
        {
            _writes.Add((source, [.. work]));
            foreach (var item in work)
            {
                var kind = _entries.TryGetValue(item.FlowId, out var existing) && existing.Work.Kind == FlowWorkKind.Remove
                    ? FlowWorkKind.Remove
                    : item.Kind;
                _entries[item.FlowId] = new PendingFlowWork(
                    item with { Kind = kind, Tenant = item.Tenant ?? existing?.Work.Tenant }, ++_generation, 0, item.RequestedAt, null);
            }
        }
    }

    public Task EnqueueAsync(IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
    {
        Write("Enqueue", work);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<PendingFlowWork>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _claims++;
            if (FailNextClaim)
            {
                FailNextClaim = false;
                return Task.FromException<IReadOnlyList<PendingFlowWork>>(new InvalidOperationException("The store is unreachable."));
            }

            var due = _entries.Values
                .Where(e => e.NextAttemptAt <= now)
                .OrderBy(e => e.NextAttemptAt).ThenBy(e => e.Work.FlowId.Value, StringComparer.Ordinal)
                .Take(max)
                .ToList();
            foreach (var entry in due)
            {
                _entries[entry.Work.FlowId] = entry with { NextAttemptAt = now + claimFor };
            }

            return Task.FromResult<IReadOnlyList<PendingFlowWork>>(due);
        }
    }

    public Task<IReadOnlyList<PendingFlowWork>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<PendingFlowWork>>(
                [.. _entries.Values.OrderBy(e => e.NextAttemptAt).ThenBy(e => e.Work.FlowId.Value, StringComparer.Ordinal)]);
        }
    }

    public Task CompleteAsync(PendingFlowWork entry, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(entry.Work.FlowId, out var stored) && stored.Generation == entry.Generation)
            {
                _entries.Remove(entry.Work.FlowId);
            }
        }

        return Task.CompletedTask;
    }

    public Task RescheduleAsync(PendingFlowWork entry, DateTimeOffset nextAttemptAt, string? error, bool failed, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(entry.Work.FlowId, out var stored) && stored.Generation == entry.Generation)
            {
                _entries[entry.Work.FlowId] = stored with
                {
                    NextAttemptAt = nextAttemptAt,
                    Attempts = stored.Attempts + (failed ? 1 : 0),
                    LastError = error,
                };
            }
        }

        return Task.CompletedTask;
    }
}
