using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Application.Dispatching;

/// <summary>
/// Sends tailored copies to their target flows. Returns only once the broker has confirmed every one of them
/// (publisher confirms); throws otherwise, so the incoming event is not acknowledged and is retried.
/// </summary>
public interface IDispatchPublisher
{
    /// <summary>
    /// Publishes all dispatches; completes when all are confirmed. The handler passes the copies of one event per
    /// call, which lets a publisher serialize what they share once.
    /// </summary>
    Task PublishAsync(IReadOnlyList<OutgoingDispatch> dispatches, CancellationToken cancellationToken);
}

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

/// <summary>One copy to send.</summary>
/// <param name="Dispatch">The tailored copy (target and source event).</param>
/// <param name="MessageId">Deterministic: the same incoming event and target always give the same id.</param>
/// <param name="CorrelationId">The correlation id of the incoming event.</param>
/// <param name="HopCount">How many dispatcher hops this copy has made, including this one.</param>
public sealed record OutgoingDispatch(Dispatch Dispatch, Guid MessageId, string CorrelationId, int HopCount)
{
    /// <summary>The tailored copy (target and source event).</summary>
    public Dispatch Dispatch
    {
        get;
        init
        {
            // Keeps RoutingKey right for `with { Dispatch = … }` too (the initializer below bypasses this accessor).
            field = value;
            RoutingKey = DispatchNames.RoutingKey(value.Target.FlowId);
        }
    } = Dispatch;

    /// <summary>The AMQP routing key and queue name of the target: <c>dispatch.&lt;flowId&gt;</c> (computed once).</summary>
    public string RoutingKey { get; private init; } = DispatchNames.RoutingKey(Dispatch.Target.FlowId);
}

/// <summary>Names on the wire.</summary>
public static class DispatchNames
{
    /// <summary>The routing key (and event name) of dispatches to a flow: <c>dispatch.&lt;flowId&gt;</c>.</summary>
    public static string RoutingKey(FlowId flowId) => string.Concat(RoutingKeyPrefix, flowId.Value);

    /// <summary>What every dispatch routing key starts with.</summary>
    public const string RoutingKeyPrefix = "dispatch.";
}
