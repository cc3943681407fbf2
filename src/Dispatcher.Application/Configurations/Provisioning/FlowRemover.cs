using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
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
