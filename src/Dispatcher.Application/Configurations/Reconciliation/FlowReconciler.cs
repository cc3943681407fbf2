using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Reconciliation;

/// <summary>What one reconciliation round did.</summary>
/// <param name="ConfigurationsChecked">Configurations compared with the Flow Repository.</param>
/// <param name="FlowsRecreated">Flows created for active connections whose flow had vanished or never existed.</param>
/// <param name="CleanupsCompleted">Pending removals finished.</param>
/// <param name="CleanupsFailed">Pending removals that failed again (rescheduled).</param>
/// <param name="Errors">Configurations that could not be reconciled this round (retried next round).</param>
public sealed record ReconcileReport(int ConfigurationsChecked, int FlowsRecreated, int CleanupsCompleted, int CleanupsFailed, int Errors)
{
    /// <summary>True when the round changed something.</summary>
    public bool ChangedAnything => FlowsRecreated + CleanupsCompleted > 0;
}

/// <summary>
/// "The Dispatcher Service automatically keeps stock and maintains these flows": compares every configuration with
/// the Flow Repository, re-creates flows that vanished for connections on active sides, provisions connections that
/// have none, and finishes pending removals. Idempotent: a round with nothing to do changes nothing. Runs with the
/// service token. One instance at a time (the caller holds a lease).
/// </summary>
public sealed partial class FlowReconciler(
    IConfigurationRepository repository,
    IFlowProvisioner flows,
    IFlowCleanupQueue cleanupQueue,
    FlowRemover remover,
    ConfigurationChangeExecutor executor,
    TimeProvider timeProvider,
    IOptions<ReconcilerOptions> options,
    DispatcherMetrics metrics,
    ILogger<FlowReconciler> logger)
{
    private static readonly FlowCallContext Service = FlowCallContext.Service;

    /// <summary>Runs one round.</summary>
    public async Task<ReconcileReport> ReconcileAsync(CancellationToken cancellationToken)
    {
        var (completed, failed) = await FinishPendingRemovalsAsync(cancellationToken);
        int checkedCount = 0, recreated = 0, errors = 0;
        await foreach (var configuration in repository.StreamAllAsync(cancellationToken))
        {
            checkedCount++;
            try
            {
                recreated += await ReconcileAsync(configuration, cancellationToken);
            }
            catch (Exception e) when (e is FlowRepositoryException or FlowProvisioningFailedException or ConcurrencyConflictException)
            {
                // Next round tries again; a concurrent user change or an unavailable repository is no reason to stop.
                errors++;
                LogConfigurationFailed(configuration.Id.Value, e.Message);
            }
        }

        metrics.FlowsRecreated.Add(recreated);
        return new ReconcileReport(checkedCount, recreated, completed, failed, errors);
    }

    private async Task<(int Completed, int Failed)> FinishPendingRemovalsAsync(CancellationToken cancellationToken)
    {
        int completed = 0, failed = 0;
        foreach (var cleanup in await cleanupQueue.GetDueAsync(timeProvider.GetUtcNow(), options.Value.BatchSize, cancellationToken))
        {
            var error = await remover.TryRemoveAsync(cleanup.FlowId, Service, cancellationToken);
            if (error is null)
            {
                await cleanupQueue.CompleteAsync(cleanup.FlowId, cancellationToken);
                completed++;
                continue;
            }

            await cleanupQueue.RescheduleAsync(cleanup.FlowId, timeProvider.GetUtcNow() + Backoff(cleanup.Attempts + 1), error, cancellationToken);
            failed++;
        }

        metrics.CleanupsCompleted.Add(completed);
        metrics.CleanupsFailed.Add(failed);
        return (completed, failed);
    }

    /// <summary>Returns how many flows were (re)created for the configuration.</summary>
    private async Task<int> ReconcileAsync(Configuration streamed, CancellationToken cancellationToken)
    {
        var vanished = new List<ConnectionId>();
        var unprovisioned = 0;
        foreach (var (side, connection) in ActiveConnections(streamed))
        {
            if (connection.FlowId is not { } flowId)
            {
                unprovisioned++;
            }
            else if (await flows.GetStatusAsync(flowId, Service, cancellationToken) is null)
            {
                vanished.Add(connection.Id);
            }
        }

        if (vanished.Count == 0 && unprovisioned == 0)
        {
            return 0;
        }

        // Work on the stored state (the streamed copy may be stale); the save is version-checked.
        var configuration = await repository.GetAsync(streamed.Tenant, streamed.Id, cancellationToken);
        if (configuration is null)
        {
            return 0;
        }

        var before = FlowSnapshot.Of(configuration);
        var now = timeProvider.GetUtcNow();
        foreach (var connectionId in vanished)
        {
            if (configuration.FindConnection(connectionId) is not null)
            {
                configuration.UnassignFlow(connectionId, now);
            }
        }

        var missingBefore = ActiveConnections(configuration).Count(c => c.Connection.FlowId is null);
        await executor.SaveAsync(configuration, before, Service, cancellationToken);
        LogRecreated(missingBefore, configuration.Id.Value, vanished.Count);
        return missingBefore;
    }

    private static IEnumerable<(AppSide Side, Connection Connection)> ActiveConnections(Configuration configuration) =>
        configuration.Apps
            .SelectMany(app => new[] { app.Outbound, app.Inbound })
            .Where(side => side.Active)
            .SelectMany(side => side.Connections.Select(connection => (side, connection)));

    /// <summary>5 s, 10 s, 20 s … capped at 10 minutes.</summary>
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(5 * Math.Pow(2, Math.Min(attempt - 1, 16)), 600));

    [LoggerMessage(LogLevel.Warning, "Reconciling configuration {ConfigurationId} failed; retrying next round: {Reason}")]
    private partial void LogConfigurationFailed(string configurationId, string reason);

    [LoggerMessage(LogLevel.Information, "Provisioned {Count} flow(s) for configuration {ConfigurationId} ({Vanished} had vanished)")]
    private partial void LogRecreated(int count, string configurationId, int vanished);
}
