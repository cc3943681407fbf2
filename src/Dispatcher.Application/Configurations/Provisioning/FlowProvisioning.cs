using System.Collections.Concurrent;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>
/// Creates the flows a configuration lacks — for every connection of an active side without one — all or nothing,
/// with bounded parallelism: on the first failure the others are cancelled and every flow created so far is handed
/// back for removal. Each flow records the connection it is created for, so a flow whose write never committed is
/// found and removed by the reconciler even if this process dies before it can roll back.
/// </summary>
public sealed class FlowProvisioning(
    IFlowProvisioner flows,
    IFlowWorkQueue work,
    FlowWorkRunner runner,
    DispatcherMetrics metrics,
    TimeProvider timeProvider,
    IOptions<FlowProvisioningOptions> options)
{
    /// <summary>Creates the missing flows and assigns them; returns the flows created.</summary>
    public async Task<IReadOnlyList<FlowId>> ProvisionMissingAsync(
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
            await RollbackAsync(configuration, [.. created.Values]);
            throw;
        }

        if (failures.TryDequeue(out var failure))
        {
            await RollbackAsync(configuration, [.. created.Values]);
            metrics.ProvisioningFailures.Add(1);
            throw Failed(failure.Definition, failure.Error);
        }

        configuration.AssignFlows(created, timeProvider.GetUtcNow());
        return [.. created.Values];
    }

    /// <summary>
    /// Hands flows created for a write that did not commit to the flow work runner for removal, and waits for it
    /// (fresh flows are inactive, so this is quick) at most <see cref="FlowProvisioningOptions.AnswerWait"/>.
    /// </summary>
    public async Task RollbackAsync(Configuration configuration, IReadOnlyCollection<FlowId> created)
    {
        if (created.Count == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        List<FlowWork> removals = [.. created.Select(flowId => new FlowWork(flowId, FlowWorkKind.Remove, configuration.Tenant, configuration.Id, now))];
        // The caller's request may be ending; the removal must still be queued. Should this fail too, the flows
        // carry their owner and the reconciler removes them as orphans.
        using var watch = runner.Watch(removals);
        await work.EnqueueAsync(removals, CancellationToken.None);
        await watch.WaitAsync(options.Value.AnswerWait);
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
            $"'{definition.App.ApplicationName}': {error.Message} Nothing was saved; the flows created meanwhile are being removed.",
            error);
    }
}
