using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>
/// The durable destinations dispatches go to (a queue per inbound flow, or the ecosystem's shared queue):
/// made to exist before the first dispatch, removed with the flow.
/// </summary>
public interface IDispatchDestinations
{
    /// <summary>Makes sure a durable destination for <paramref name="flowId"/> exists (cheap when it already does).</summary>
    Task EnsureAsync(FlowId flowId, CancellationToken cancellationToken);

    /// <summary>Removes the destination of a deleted flow.</summary>
    Task RemoveAsync(FlowId flowId, CancellationToken cancellationToken);
}
