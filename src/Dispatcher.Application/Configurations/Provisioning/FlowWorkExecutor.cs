using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>Carries out one attempt at a piece of flow work, with the service's own authority.</summary>
public sealed class FlowWorkExecutor(
    IFlowProvisioner flows,
    FlowRemover remover,
    IDispatchDestinations destinations,
    FlowActivation activation)
{
    /// <summary>One attempt; failures of the Flow Repository or the broker come back as a failed outcome.</summary>
    public async Task<FlowWorkOutcome> ExecuteAsync(FlowWork work, CancellationToken cancellationToken)
    {
        try
        {
            switch (work.Kind)
            {
                case FlowWorkKind.Remove:
                    return await remover.StepAsync(work, cancellationToken);
                case FlowWorkKind.Start:
                    // A vanished flow is the reconciler's to re-create.
                    if (await flows.GetStatusAsync(work.FlowId, FlowCallContext.Service, cancellationToken) is FlowStatus.Inactive or FlowStatus.Stopping)
                    {
                        await flows.StartAsync(work.FlowId, FlowCallContext.Service, cancellationToken);
                    }

                    break;
                case FlowWorkKind.Stop:
                    activation.Forget(work.FlowId);
                    if (await flows.GetStatusAsync(work.FlowId, FlowCallContext.Service, cancellationToken) is FlowStatus.Active or FlowStatus.Starting)
                    {
                        await flows.StopAsync(work.FlowId, FlowCallContext.Service, cancellationToken);
                    }

                    break;
                case FlowWorkKind.DeclareDestination:
                    await destinations.EnsureAsync(work.FlowId, cancellationToken);
                    break;
            }

            return FlowWorkOutcome.Done;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = e is FlowRepositoryException flowError ? $"{flowError.Failure}: {e.Message}" : $"{e.GetType().Name}: {e.Message}";
            return FlowWorkOutcome.Failed($"Could not {Verb(work.Kind)} flow {work.FlowId}: {reason}");
        }
    }

    private static string Verb(FlowWorkKind kind) => kind switch
    {
        FlowWorkKind.Remove => "remove",
        FlowWorkKind.Start => "start",
        FlowWorkKind.Stop => "stop",
        _ => "declare the destination of",
    };
}
