using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>
/// The durable destinations dispatches go to (a queue per inbound flow, or the ecosystem's shared queue), named
/// <c>dispatch.&lt;flowId&gt;</c> (<see cref="RoutingKey"/>): made to exist before the first dispatch, sent the
/// tailored copies, removed with the flow. One port because one adapter does all three on shared state: a copy is
/// published <c>mandatory</c>, so it is only deliverable once its destination was ensured.
/// </summary>
public interface IDispatchDestinations
{
    /// <summary>What every dispatch routing key starts with.</summary>
    const string RoutingKeyPrefix = "dispatch.";

    /// <summary>The routing key (and event name, and queue name) of dispatches to a flow: <c>dispatch.&lt;flowId&gt;</c>.</summary>
    static string RoutingKey(FlowId flowId) => string.Concat(RoutingKeyPrefix, flowId.Value);

    /// <summary>Makes sure a durable destination for <paramref name="flowId"/> exists (cheap when it already does).</summary>
    Task EnsureAsync(FlowId flowId, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes tailored copies to their target flows' destinations; completes only once the broker has confirmed every
    /// one of them (publisher confirms), throws otherwise, so the incoming event is not acknowledged and is retried. The
    /// handler passes the copies of one event per call, which lets a publisher serialize what they share once.
    /// </summary>
    Task PublishAsync(IReadOnlyList<OutgoingDispatch> dispatches, CancellationToken cancellationToken);

    /// <summary>Removes the destination of a deleted flow.</summary>
    Task RemoveAsync(FlowId flowId, CancellationToken cancellationToken);
}
