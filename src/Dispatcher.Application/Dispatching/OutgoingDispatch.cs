using Dispatcher.Application.Ports;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Application.Dispatching;

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
            RoutingKey = IDispatchDestinations.RoutingKey(value.Target.FlowId);
        }
    } = Dispatch;

    /// <summary>The AMQP routing key and queue name of the target: <c>dispatch.&lt;flowId&gt;</c> (computed once).</summary>
    public string RoutingKey { get; private init; } = IDispatchDestinations.RoutingKey(Dispatch.Target.FlowId);
}
