using System.Collections.Concurrent;
using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>
/// Carries out a configuration change with its flow consequences, in an order that never leaves a half-saved
/// configuration: provision missing flows (all or nothing), save (version-checked), then remove the flows that are no
/// longer needed and stop the flows of sides switched off. Every write command ends here.
/// </summary>
public sealed partial class ConfigurationChangeExecutor(
    IConfigurationRepository repository,
    IFlowProvisioner flows,
    RoutingTable routingTable,
    TimeProvider timeProvider,
    IOptions<FlowProvisioningOptions> options,
    ILogger<ConfigurationChangeExecutor> logger)
{
    /// <summary>Saves a new or changed configuration; <paramref name="before"/> is its state before the change.</summary>
    public async Task<ConfigurationChangeResult> SaveAsync(
        Configuration configuration, FlowSnapshot before, FlowCallContext context, CancellationToken cancellationToken)
    {
        var created = await ProvisionMissingAsync(configuration, context, cancellationToken);
        try
        {
            if (configuration.Version == 0)
            {
                await repository.AddAsync(configuration, cancellationToken);
            }
            else
            {
                await repository.UpdateAsync(configuration, cancellationToken);
            }
        }
        catch
        {
            await RollbackAsync(created, context);
            throw;
        }

        routingTable.Upsert(configuration);
        var after = FlowSnapshot.Of(configuration);
        var pending = await RemoveAsync(before.Flows.Except(after.Flows), context, cancellationToken);
        foreach (var flowId in before.ActiveFlows.Intersect(after.Flows).Except(after.ActiveFlows))
        {
            await StopQuietlyAsync(flowId, context, cancellationToken);
        }

        return new ConfigurationChangeResult(configuration.ToDto(), pending);
    }

    /// <summary>Deletes a configuration, then its flows.</summary>
    public async Task<ConfigurationChangeResult> DeleteAsync(
        Configuration configuration, FlowCallContext context, CancellationToken cancellationToken)
    {
        var owned = configuration.FlowIds.ToList();
        configuration.MarkDeleted();
        await repository.DeleteAsync(configuration, cancellationToken);
        routingTable.Remove(configuration.Id);
        var pending = await RemoveAsync(owned, context, cancellationToken);
        return new ConfigurationChangeResult(null, pending);
    }

    private async Task<List<FlowId>> ProvisionMissingAsync(
        Configuration configuration, FlowCallContext context, CancellationToken cancellationToken)
    {
        var missing = configuration.Apps
            .SelectMany(app => new[] { app.Outbound, app.Inbound }
                .Where(side => side.Active)
                .SelectMany(side => side.Connections)
                .Where(connection => !connection.IsProvisioned)
                .Select(connection => new FlowDefinition(configuration.Id, configuration.Tenant, app, connection)))
            .ToList();
        if (missing.Count == 0)
        {
            return [];
        }

        var created = new ConcurrentDictionary<ConnectionId, FlowId>();
        var failures = new ConcurrentQueue<(FlowDefinition Definition, Exception Error)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxParallelism, CancellationToken = stop.Token };
        try
        {
            await Parallel.ForEachAsync(missing, parallel, async (definition, token) =>
            {
                try
                {
                    created[definition.Connection.Id] = await flows.CreateAsync(definition, context, token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    failures.Enqueue((definition, e));
                    await stop.CancelAsync();
                }
            });
        }
        catch (OperationCanceledException) when (!failures.IsEmpty && !cancellationToken.IsCancellationRequested)
        {
            // Cancelled by the first failure: reported below.
        }
        catch
        {
            await RollbackAsync([.. created.Values], context);
            throw;
        }

        if (failures.TryDequeue(out var failure))
        {
            await RollbackAsync([.. created.Values], context);
            throw Failed(failure.Definition, failure.Error);
        }

        var now = timeProvider.GetUtcNow();
        foreach (var (connectionId, flowId) in created)
        {
            configuration.AssignFlow(connectionId, flowId, now);
        }

        return [.. created.Values];
    }

    private async Task RollbackAsync(IReadOnlyCollection<FlowId> created, FlowCallContext context)
    {
        if (created.Count == 0)
        {
            return;
        }

        // The caller's request may be cancelled already; the rollback must still run.
        var orphans = await RemoveAsync(created, context, CancellationToken.None);
        if (orphans.Count > 0)
        {
            LogOrphans(orphans.Count, string.Join(", ", orphans));
        }
    }

    /// <summary>Stops (when needed) and deletes each flow; returns the ids that could not be removed.</summary>
    private async Task<IReadOnlyList<string>> RemoveAsync(
        IEnumerable<FlowId> flowIds, FlowCallContext context, CancellationToken cancellationToken)
    {
        var pending = new List<string>();
        foreach (var flowId in flowIds)
        {
            try
            {
                var status = await flows.GetStatusAsync(flowId, context, cancellationToken);
                if (status is null)
                {
                    continue;
                }

                if (status is FlowStatus.Active or FlowStatus.Starting)
                {
                    await flows.StopAsync(flowId, context, cancellationToken);
                }

                await flows.DeleteAsync(flowId, context, cancellationToken);
            }
            catch (FlowRepositoryException e)
            {
                LogRemovalFailed(flowId.Value, e.Failure, e.Message);
                pending.Add(flowId.Value);
            }
        }

        return pending;
    }

    private async Task StopQuietlyAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        try
        {
            if (await flows.GetStatusAsync(flowId, context, cancellationToken) is FlowStatus.Active or FlowStatus.Starting)
            {
                await flows.StopAsync(flowId, context, cancellationToken);
            }
        }
        catch (FlowRepositoryException e)
        {
            LogStopFailed(flowId.Value, e.Failure, e.Message);
        }
    }

    private static FlowProvisioningFailedException Failed(FlowDefinition definition, Exception error)
    {
        var connection = definition.Connection;
        var what = connection.Operation is { } op
            ? $"inbound {op.ToWire()} connection {connection.Id}"
            : $"outbound connection {connection.Id}";
        var failure = error is FlowRepositoryException flowError ? flowError.Failure : FlowFailure.Unavailable;
        return new FlowProvisioningFailedException(
            failure,
            $"Could not create the flow for the {what} (schema {connection.SchemaUri}) of app " +
            $"'{definition.App.ApplicationName}': {error.Message} Nothing was saved and no flow was left behind.",
            error);
    }

    [LoggerMessage(LogLevel.Warning, "Rollback left {Count} orphan flow(s): {FlowIds}")]
    private partial void LogOrphans(int count, string flowIds);

    [LoggerMessage(LogLevel.Warning, "Could not remove flow {FlowId} ({Failure}): {Reason}")]
    private partial void LogRemovalFailed(string flowId, FlowFailure failure, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not stop flow {FlowId} ({Failure}): {Reason}")]
    private partial void LogStopFailed(string flowId, FlowFailure failure, string reason);
}

/// <summary>The flows of a configuration before a change: all of them, and those on active sides.</summary>
public sealed record FlowSnapshot(IReadOnlySet<FlowId> Flows, IReadOnlySet<FlowId> ActiveFlows)
{
    /// <summary>No flows (a new configuration).</summary>
    public static FlowSnapshot None { get; } = new(new HashSet<FlowId>(), new HashSet<FlowId>());

    /// <summary>Captures the flows of <paramref name="configuration"/>.</summary>
    public static FlowSnapshot Of(Configuration configuration)
    {
        var all = new HashSet<FlowId>();
        var active = new HashSet<FlowId>();
        foreach (var app in configuration.Apps)
        {
            foreach (var side in new[] { app.Outbound, app.Inbound })
            {
                foreach (var connection in side.Connections)
                {
                    if (connection.FlowId is { } flowId)
                    {
                        all.Add(flowId);
                        if (side.Active)
                        {
                            active.Add(flowId);
                        }
                    }
                }
            }
        }

        return new FlowSnapshot(all, active);
    }
}
