using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Abstractions;

/// <summary>
/// The stored flow work still to be carried out: written by the configuration store in the same transaction (or the
/// same atomic write) as the change that implies it, or queued on its own (<see cref="EnqueueAsync"/>) for work that
/// belongs to no write, such as removing an orphaned flow. At most one entry per flow: a later entry for the same
/// flow replaces the earlier one.
/// </summary>
public interface IFlowWorkQueue
{
    /// <summary>Queues work that is not part of a configuration write, due at once.</summary>
    Task EnqueueAsync(IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> entries due at <paramref name="now"/>, oldest due first: they are not due
    /// again for anyone until <paramref name="claimFor"/> has passed, unless completed or rescheduled before.
    /// </summary>
    Task<IReadOnlyList<PendingFlowWork>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan claimFor, CancellationToken cancellationToken);

    /// <summary>Every stored entry, due first (diagnostics, tests).</summary>
    Task<IReadOnlyList<PendingFlowWork>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The work is done: forgets the entry unless it was replaced meanwhile (another generation).</summary>
    Task CompleteAsync(PendingFlowWork entry, CancellationToken cancellationToken);

    /// <summary>
    /// The work is not done yet: due again at <paramref name="nextAttemptAt"/>; a failed attempt
    /// (<paramref name="failed"/>) is counted and its <paramref name="error"/> kept. Ignored when the entry was replaced.
    /// </summary>
    Task RescheduleAsync(PendingFlowWork entry, DateTimeOffset nextAttemptAt, string? error, bool failed, CancellationToken cancellationToken);
}

/// <summary>What is to be done to a flow.</summary>
public enum FlowWorkKind
{
    /// <summary>Start the flow (an outbound flow of an active side).</summary>
    Start = 1,

    /// <summary>Stop the flow and forget its activation (a side switched off; the flow is kept).</summary>
    Stop = 2,

    /// <summary>Stop, wait until inactive, delete; then delete its dispatch destination and forget its activation.</summary>
    Remove = 3,

    /// <summary>Declare the flow's dispatch destination (an inbound flow of an active side).</summary>
    DeclareDestination = 4,
}

/// <summary>One piece of flow work.</summary>
/// <param name="FlowId">The flow.</param>
/// <param name="Kind">What to do.</param>
/// <param name="Tenant">The tenant that owns (or owned) the flow; null for an orphan, whose tenant is unknown.</param>
/// <param name="ConfigurationId">The configuration that owns (or owned) the flow.</param>
/// <param name="RequestedAt">When the change that implies the work was made.</param>
public sealed record FlowWork(FlowId FlowId, FlowWorkKind Kind, TenantId? Tenant, ConfigurationId ConfigurationId, DateTimeOffset RequestedAt);

/// <summary>A stored piece of flow work.</summary>
/// <param name="Work">The work.</param>
/// <param name="Generation">Identifies this entry among later entries for the same flow (opaque).</param>
/// <param name="Attempts">Failed attempts so far.</param>
/// <param name="NextAttemptAt">When it is due.</param>
/// <param name="LastError">Why the last attempt failed, if any.</param>
public sealed record PendingFlowWork(FlowWork Work, long Generation, int Attempts, DateTimeOffset NextAttemptAt, string? LastError);
