using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>
/// Removes a flow the way the Flow Repository allows it, one step per call so that no call waits: a running flow is
/// stopped and looked at again shortly; an inactive one is deleted; a flow already gone counts as deleted. Once it
/// is gone, its dispatch destination is deleted and its activation state forgotten. Every removal — of a connection,
/// an app, a configuration, a rolled-back or orphaned flow — goes through here (driven by <see cref="FlowWorkRunner"/>).
/// </summary>
public sealed class FlowRemover(
    IFlowProvisioner flows,
    IDispatchDestinations destinations,
    FlowActivation activation,
    FlowStopClock stops,
    IOptions<FlowProvisioningOptions> options)
{
    /// <summary>How soon a flow just stopped is looked at again; later looks wait half as long as it has been stopping, up to 2 s.</summary>
    public static readonly TimeSpan RecheckDelay = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan MaxRecheckDelay = TimeSpan.FromSeconds(2);

    /// <summary>Takes the next removal step for the flow of <paramref name="work"/>.</summary>
    public async Task<FlowWorkOutcome> StepAsync(FlowWork work, CancellationToken cancellationToken)
    {
        var flowId = work.FlowId;
        var status = await flows.GetStatusAsync(flowId, FlowCallContext.Service, cancellationToken);
        switch (status)
        {
            case FlowStatus.Active or FlowStatus.Starting:
                await flows.StopAsync(flowId, FlowCallContext.Service, cancellationToken);
                stops.Stopped(flowId);
                return FlowWorkOutcome.Later(RecheckDelay);
            case FlowStatus.Stopping when stops.StoppingFor(flowId) is var stopping && stopping <= options.Value.StopWaitTimeout:
                // A flow that stops quickly is deleted soon; one that takes long is not asked about many times a second.
                return FlowWorkOutcome.Later(TimeSpan.FromTicks(Math.Clamp(stopping.Ticks / 2, RecheckDelay.Ticks, MaxRecheckDelay.Ticks)));
            case FlowStatus.Stopping:
                stops.Forget(flowId);
                return FlowWorkOutcome.Failed($"Flow {flowId} did not become inactive within {options.Value.StopWaitTimeout}.");
            case FlowStatus.Inactive:
                await flows.DeleteAsync(flowId, FlowCallContext.Service, cancellationToken);
                break;
        }

        stops.Forget(flowId);
        activation.Forget(flowId);
        await destinations.RemoveAsync(flowId, cancellationToken);
        return FlowWorkOutcome.Done;
    }
}

/// <summary>What one attempt at a piece of flow work came to.</summary>
/// <param name="IsDone">The work is finished.</param>
/// <param name="RetryIn">Not finished, nothing failed: look again after this long.</param>
/// <param name="Error">The attempt failed (retried with backoff).</param>
public readonly record struct FlowWorkOutcome(bool IsDone, TimeSpan? RetryIn, string? Error)
{
    /// <summary>Finished.</summary>
    public static FlowWorkOutcome Done => new(true, null, null);

    /// <summary>Progressing; look again after <paramref name="delay"/>.</summary>
    public static FlowWorkOutcome Later(TimeSpan delay) => new(false, delay, null);

    /// <summary>Failed with <paramref name="error"/>.</summary>
    public static FlowWorkOutcome Failed(string error) => new(false, null, error);
}
