using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>
/// Creates and controls the integration flows that carry connections: the Flow Repository in production, the
/// standalone registry in the embedded mode. Implementations translate transport errors into
/// <see cref="Common.Errors.FlowRepositoryException"/>.
/// </summary>
public interface IFlowProvisioner
{
    /// <summary>Creates the flow for one connection of an app and returns its id. The flow starts inactive.</summary>
    Task<FlowId> CreateAsync(FlowDefinition definition, FlowCallContext context, CancellationToken cancellationToken);

    /// <summary>The flow's status, or null when the flow does not exist.</summary>
    Task<FlowStatus?> GetStatusAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken);

    /// <summary>Asks the flow to start (inactive → starting → active).</summary>
    Task StartAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken);

    /// <summary>Asks the flow to stop (active → stopping → inactive).</summary>
    Task StopAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the flow. A flow that does not exist counts as deleted. A flow that is not inactive cannot be deleted:
    /// <see cref="Common.Errors.FlowRepositoryException"/> with <see cref="Common.Errors.FlowFailure.Conflict"/>.
    /// </summary>
    Task DeleteAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken);

    /// <summary>
    /// One page of every flow the service can see, with its status and, for flows this service created, the
    /// connection it was created for. <paramref name="page"/> is null for the first page, else the previous page's
    /// <see cref="FlowPage.Next"/>. Flows created or deleted while paging may be missed or seen twice.
    /// </summary>
    Task<FlowPage> ListAsync(string? page, int pageSize, CancellationToken cancellationToken);
}
