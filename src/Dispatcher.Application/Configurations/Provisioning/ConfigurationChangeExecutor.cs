using System.Collections.Concurrent;
using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>
/// Carries out a configuration change with its flow consequences, in an order that never leaves a half-saved
/// configuration: provision missing flows (all or nothing), save (version-checked), then — whatever happens to the
/// caller's request from here on — update routing, remove the flows no longer needed (stop, wait, delete; queue what
/// cannot be removed now), stop the flows of sides switched off and start the outbound flows of sides switched on.
/// Every write, from the API or the reconciler, ends here.
/// </summary>
public sealed partial class ConfigurationChangeExecutor(
    IConfigurationRepository repository,
    IFlowProvisioner flows,
    FlowRemover remover,
    RoutingTable routingTable,
    IConfigurationChangeNotifier notifier,
    IDispatchDestinations destinations,
    FlowActivation activation,
    DispatcherMetrics metrics,
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
            await RollbackAsync(configuration, created, context);
            throw;
        }

        // Saved: the rest must run to its end even if the caller's request is cancelled now.
        var done = CancellationToken.None;
        routingTable.Upsert(configuration);
        await NotifyAsync(configuration, deleted: false);
        var after = FlowSnapshot.Of(configuration);
        var pending = await RemoveAsync(configuration, before.Flows.Except(after.Flows), context);
        foreach (var flowId in before.ActiveFlows.Intersect(after.Flows).Except(after.ActiveFlows))
        {
            await ControlQuietlyAsync(flowId, start: false, context, done);
        }

        // Outbound flows are the sources: a side that is (newly) active should produce data.
        foreach (var flowId in after.ActiveOutboundFlows.Except(before.ActiveOutboundFlows))
        {
            await ControlQuietlyAsync(flowId, start: true, context, done);
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
        await NotifyAsync(configuration, deleted: true);
        var pending = await RemoveAsync(configuration, owned, context);
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
            await RollbackAsync(configuration, [.. created.Values], context);
            throw;
        }

        if (failures.TryDequeue(out var failure))
        {
            await RollbackAsync(configuration, [.. created.Values], context);
            metrics.ProvisioningFailures.Add(1);
            throw Failed(failure.Definition, failure.Error);
        }

        var now = timeProvider.GetUtcNow();
        foreach (var (connectionId, flowId) in created)
        {
            configuration.AssignFlow(connectionId, flowId, now);
        }

        return [.. created.Values];
    }

    private async Task RollbackAsync(Configuration configuration, IReadOnlyCollection<FlowId> created, FlowCallContext context)
    {
        if (created.Count > 0)
        {
            // Fresh flows are inactive, so this deletes them at once; anything left is queued for the reconciler.
            await remover.RemoveAsync(created, configuration.Tenant, configuration.Id, context, CancellationToken.None);
        }
    }

    private async Task<IReadOnlyList<string>> RemoveAsync(Configuration configuration, IEnumerable<FlowId> flowIds, FlowCallContext context)
    {
        var removing = flowIds.ToList();
        if (removing.Count == 0)
        {
            return [];
        }

        var pending = await remover.RemoveAsync(removing, configuration.Tenant, configuration.Id, context, CancellationToken.None);
        foreach (var flowId in removing.Where(f => !pending.Contains(f.Value)))
        {
            activation.Forget(flowId);
            try
            {
                await destinations.RemoveAsync(flowId, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDestinationNotRemoved(e, flowId.Value);
            }
        }

        return pending;
    }

    private async Task NotifyAsync(Configuration configuration, bool deleted)
    {
        try
        {
            await notifier.NotifyAsync(configuration, deleted, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Including the notifier's own timeout: the change is stored and this instance is up to date; other
            // instances catch up with their periodic routing refresh. Failing here would answer 500 for a saved change.
            LogNotifyFailed(e, configuration.Id.Value);
        }
    }

    private async Task ControlQuietlyAsync(FlowId flowId, bool start, FlowCallContext context, CancellationToken cancellationToken)
    {
        try
        {
            var status = await flows.GetStatusAsync(flowId, context, cancellationToken);
            if (start && status is FlowStatus.Inactive or FlowStatus.Stopping)
            {
                await flows.StartAsync(flowId, context, cancellationToken);
            }
            else if (!start && status is FlowStatus.Active or FlowStatus.Starting)
            {
                await flows.StopAsync(flowId, context, cancellationToken);
                activation.Forget(flowId);
            }
        }
        catch (FlowRepositoryException e)
        {
            LogControlFailed(flowId.Value, start ? "start" : "stop", e.Failure, e.Message);
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

    [LoggerMessage(LogLevel.Warning, "Could not {Action} flow {FlowId} ({Failure}): {Reason}")]
    private partial void LogControlFailed(string flowId, string action, FlowFailure failure, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not announce the change of configuration {ConfigurationId} to other instances")]
    private partial void LogNotifyFailed(Exception exception, string configurationId);

    [LoggerMessage(LogLevel.Warning, "Could not remove the dispatch destination of deleted flow {FlowId}")]
    private partial void LogDestinationNotRemoved(Exception exception, string flowId);
}

/// <summary>The flows of a configuration at one moment: all, those on active sides, and the active outbound ones.</summary>
public sealed record FlowSnapshot(IReadOnlySet<FlowId> Flows, IReadOnlySet<FlowId> ActiveFlows, IReadOnlySet<FlowId> ActiveOutboundFlows)
{
    /// <summary>No flows (a new configuration).</summary>
    public static FlowSnapshot None { get; } = new(new HashSet<FlowId>(), new HashSet<FlowId>(), new HashSet<FlowId>());

    /// <summary>Captures the flows of <paramref name="configuration"/>.</summary>
    public static FlowSnapshot Of(Configuration configuration)
    {
        var all = new HashSet<FlowId>();
        var active = new HashSet<FlowId>();
        var activeOutbound = new HashSet<FlowId>();
        foreach (var app in configuration.Apps)
        {
            foreach (var side in new[] { app.Outbound, app.Inbound })
            {
                foreach (var connection in side.Connections)
                {
                    if (connection.FlowId is not { } flowId)
                    {
                        continue;
                    }

                    all.Add(flowId);
                    if (side.Active)
                    {
                        active.Add(flowId);
                        if (side.Direction == Direction.Outbound)
                        {
                            activeOutbound.Add(flowId);
                        }
                    }
                }
            }
        }

        return new FlowSnapshot(all, active, activeOutbound);
    }
}
