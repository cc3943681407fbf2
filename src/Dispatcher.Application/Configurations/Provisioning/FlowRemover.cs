using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>
/// Removes flows the way the Flow Repository allows it: stop a running flow, wait (bounded, with backoff) until it
/// is inactive, then delete. A flow already gone counts as removed. What cannot be removed now is queued in
/// <see cref="IFlowCleanupQueue"/> and retried by the reconciler.
/// </summary>
public sealed partial class FlowRemover(
    IFlowProvisioner flows,
    IFlowCleanupQueue cleanupQueue,
    TimeProvider timeProvider,
    IOptions<FlowProvisioningOptions> options,
    ILogger<FlowRemover> logger)
{
    /// <summary>Removes each flow; returns those queued for a later attempt.</summary>
    public async Task<IReadOnlyList<string>> RemoveAsync(
        IEnumerable<FlowId> flowIds, TenantId tenant, ConfigurationId configurationId, FlowCallContext context,
        CancellationToken cancellationToken)
    {
        var pending = new List<PendingFlowCleanup>();
        foreach (var flowId in flowIds)
        {
            var error = await TryRemoveAsync(flowId, context, cancellationToken);
            if (error is not null)
            {
                var now = timeProvider.GetUtcNow();
                pending.Add(new PendingFlowCleanup(flowId, tenant, configurationId, now, 0, now, error));
            }
        }

        if (pending.Count > 0)
        {
            // The caller's request may be ending; the queue entry must still be written.
            await cleanupQueue.AddAsync(pending, CancellationToken.None);
            LogQueued(pending.Count, string.Join(", ", pending.Select(p => p.FlowId)));
        }

        return [.. pending.Select(p => p.FlowId.Value)];
    }

    /// <summary>One removal attempt; returns null when the flow is gone, else why it is not.</summary>
    public async Task<string?> TryRemoveAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        try
        {
            var status = await flows.GetStatusAsync(flowId, context, cancellationToken);
            if (status is null)
            {
                return null;
            }

            if (status is FlowStatus.Active or FlowStatus.Starting)
            {
                await flows.StopAsync(flowId, context, cancellationToken);
            }

            if (status != FlowStatus.Inactive && !await WaitUntilInactiveAsync(flowId, context, cancellationToken))
            {
                return $"Flow {flowId} did not become inactive within {options.Value.StopWaitTimeout}.";
            }

            await flows.DeleteAsync(flowId, context, cancellationToken);
            return null;
        }
        catch (FlowRepositoryException e)
        {
            LogAttemptFailed(flowId.Value, e.Failure, e.Message);
            return $"{e.Failure}: {e.Message}";
        }
    }

    private async Task<bool> WaitUntilInactiveAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + options.Value.StopWaitTimeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var status = await flows.GetStatusAsync(flowId, context, cancellationToken);
            if (status is null or FlowStatus.Inactive)
            {
                return true;
            }

            var now = timeProvider.GetUtcNow();
            if (now >= deadline)
            {
                return false;
            }

            var wait = delay < deadline - now ? delay : deadline - now;
            await Task.Delay(wait, timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    [LoggerMessage(LogLevel.Warning, "Queued {Count} flow(s) for a later removal: {FlowIds}")]
    private partial void LogQueued(int count, string flowIds);

    [LoggerMessage(LogLevel.Information, "Could not remove flow {FlowId} now ({Failure}): {Reason}")]
    private partial void LogAttemptFailed(string flowId, FlowFailure failure, string reason);
}
