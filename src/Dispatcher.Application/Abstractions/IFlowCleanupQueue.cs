using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Abstractions;

/// <summary>
/// Flows that should be gone but could not be removed yet (still running, Flow Repository down). Stored, so the
/// reconciler retries them after a restart too. Adding a flow that is already queued keeps one entry.
/// </summary>
public interface IFlowCleanupQueue
{
    /// <summary>Queues flows for removal, due at once.</summary>
    Task AddAsync(IEnumerable<PendingFlowCleanup> cleanups, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> entries due at <paramref name="now"/>, oldest due first.</summary>
    Task<IReadOnlyList<PendingFlowCleanup>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>Every queued entry (diagnostics, tests).</summary>
    Task<IReadOnlyList<PendingFlowCleanup>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The flow is gone: forget it.</summary>
    Task CompleteAsync(FlowId flowId, CancellationToken cancellationToken);

    /// <summary>Another attempt failed: record it and when to try next.</summary>
    Task RescheduleAsync(FlowId flowId, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken);
}

/// <summary>A flow waiting to be removed.</summary>
/// <param name="FlowId">The flow.</param>
/// <param name="Tenant">The tenant that owned it.</param>
/// <param name="ConfigurationId">The configuration that owned it.</param>
/// <param name="CreatedAt">When the removal was first wanted.</param>
/// <param name="Attempts">Failed attempts so far (0 when queued).</param>
/// <param name="NextAttemptAt">When to try next.</param>
/// <param name="LastError">Why the last attempt failed, if any.</param>
public sealed record PendingFlowCleanup(
    FlowId FlowId,
    TenantId Tenant,
    ConfigurationId ConfigurationId,
    DateTimeOffset CreatedAt,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError);
