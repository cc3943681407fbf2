using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Reconciliation;

/// <summary>
/// "The Dispatcher Service automatically keeps stock and maintains these flows". A round lists every flow of the
/// Flow Repository page by page (one call per <see cref="ReconcilerOptions.PageSize"/> flows, not one per flow),
/// then compares the stored configurations with it: an active connection whose flow is missing (confirmed by one
/// status call) or that has none gets a new flow through <see cref="ConfigurationWriter"/>; a flow that this service
/// created for a connection which does not own it — a write that never committed, a rollback that died with its
/// process — is queued for removal once older than <see cref="ReconcilerOptions.OrphanGracePeriod"/>. Idempotent;
/// runs with the service token; one instance at a time (the caller holds a lease).
/// </summary>
public sealed partial class FlowReconciler(
    IConfigurationRepository repository,
    IFlowProvisioner flows,
    IFlowWorkQueue work,
    ConfigurationWriter writer,
    FlowWorkRunner runner,
    TimeProvider timeProvider,
    IOptions<ReconcilerOptions> options,
    DispatcherMetrics metrics,
    ILogger<FlowReconciler> logger)
{
    private static readonly FlowCallContext Service = FlowCallContext.Service;

    public async Task<ReconcileReport> ReconcileAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetUtcNow();
        var listed = new HashSet<FlowId>();
        var owned = new List<FlowSummary>();
        var calls = 0;
        string? page = null;
        do
        {
            var result = await flows.ListAsync(page, options.Value.PageSize, cancellationToken);
            calls++;
            foreach (var flow in result.Flows)
            {
                listed.Add(flow.Id);
                if (flow.Owner is not null)
                {
                    owned.Add(flow);
                }
            }

            page = result.Next;
        }
        while (page is not null);

        var referenced = new HashSet<FlowId>();
        int checkedCount = 0, recreated = 0, errors = 0;
        await foreach (var configuration in repository.StreamAllAsync(cancellationToken))
        {
            checkedCount++;
            referenced.UnionWith(configuration.FlowIds);
            try
            {
                var (missing, statusCalls) = await MissingFlowsAsync(configuration, listed, cancellationToken);
                calls += statusCalls;
                if (missing is not null)
                {
                    recreated += await ReprovisionAsync(configuration, missing, cancellationToken);
                }
            }
            catch (Exception e) when (e is FlowRepositoryException or FlowProvisioningFailedException or ConcurrencyConflictException)
            {
                // Next round tries again; a concurrent user change or an unavailable repository is no reason to stop.
                errors++;
                LogConfigurationFailed(configuration.Id.Value, e.Message);
            }
        }

        var orphans = await QueueOrphansAsync(owned, referenced, started, cancellationToken);
        metrics.FlowsRecreated.Add(recreated);
        metrics.OrphansQueued.Add(orphans);
        return new ReconcileReport(checkedCount, listed.Count, calls, recreated, orphans, errors);
    }

    /// <summary>
    /// The flows of active connections that are gone (null when none is gone and every active connection has one),
    /// and how many status calls it took to be sure.
    /// </summary>
    private async Task<(List<FlowId>? Missing, int StatusCalls)> MissingFlowsAsync(
        Configuration configuration, HashSet<FlowId> listed, CancellationToken cancellationToken)
    {
        List<FlowId>? missing = null;
        var calls = 0;
        foreach (var connection in ActiveConnections(configuration))
        {
            if (connection.FlowId is not { } flowId)
            {
                missing ??= [];
            }
            else if (!listed.Contains(flowId))
            {
                // Created after the listing passed it, or really gone: only a direct look tells.
                calls++;
                if (await flows.GetStatusAsync(flowId, Service, cancellationToken) is null)
                {
                    (missing ??= []).Add(flowId);
                }
            }
        }

        return (missing, calls);
    }

    /// <summary>Provisions the configuration's missing flows; returns how many were created.</summary>
    private async Task<int> ReprovisionAsync(Configuration streamed, List<FlowId> vanished, CancellationToken cancellationToken)
    {
        // Work on the stored state (the streamed copy may be stale); the save is version-checked.
        var configuration = await repository.GetAsync(streamed.Tenant, streamed.Id, cancellationToken);
        if (configuration is null)
        {
            return 0;
        }

        var now = timeProvider.GetUtcNow();
        foreach (var app in configuration.Apps)
        {
            foreach (var connection in app.Connections.Where(c => c.FlowId is { } f && vanished.Contains(f)).ToList())
            {
                configuration.UnassignFlow(connection.Id, now);
            }
        }

        var missing = ActiveConnections(configuration).Count(c => c.FlowId is null);
        await writer.SaveAsync(configuration, Service, cancellationToken);
        LogRecreated(missing, configuration.Id.Value, vanished.Count);
        return missing;
    }

    private async Task<int> QueueOrphansAsync(
        List<FlowSummary> owned, HashSet<FlowId> referenced, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var cutoff = started - options.Value.OrphanGracePeriod;
        var orphans = owned
            // A flow of unknown age counts as young: it may belong to a write about to commit.
            .Where(flow => !referenced.Contains(flow.Id) && flow.CreatedAt is { } createdAt && createdAt <= cutoff)
            .Select(flow => new FlowWork(flow.Id, FlowWorkKind.Remove, null, flow.Owner!.ConfigurationId, started))
            .ToList();
        if (orphans.Count > 0)
        {
            await work.EnqueueAsync(orphans, cancellationToken);
            runner.Wake();
            LogOrphans(orphans.Count, string.Join(", ", orphans.Take(20).Select(o => o.FlowId)));
        }

        return orphans.Count;
    }

    private static IEnumerable<Connection> ActiveConnections(Configuration configuration) =>
        configuration.Apps
            .SelectMany(app => new[] { app.Outbound, app.Inbound })
            .Where(side => side.Active)
            .SelectMany(side => side.Connections);

    [LoggerMessage(LogLevel.Warning, "Reconciling configuration {ConfigurationId} failed; retrying next round: {Reason}")]
    private partial void LogConfigurationFailed(string configurationId, string reason);

    [LoggerMessage(LogLevel.Information, "Provisioned {Count} flow(s) for configuration {ConfigurationId} ({Vanished} had vanished)")]
    private partial void LogRecreated(int count, string configurationId, int vanished);

    [LoggerMessage(LogLevel.Warning, "Queued {Count} orphaned flow(s) for removal (created for a connection that does not own them): {FlowIds}")]
    private partial void LogOrphans(int count, string flowIds);
}
