namespace Dispatcher.Application.Ports;

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
