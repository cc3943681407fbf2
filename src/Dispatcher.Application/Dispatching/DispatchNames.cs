using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Dispatching;

/// <summary>Names on the wire.</summary>
public static class DispatchNames
{
    /// <summary>The routing key (and event name) of dispatches to a flow: <c>dispatch.&lt;flowId&gt;</c>.</summary>
    public static string RoutingKey(FlowId flowId) => string.Concat(RoutingKeyPrefix, flowId.Value);

    /// <summary>What every dispatch routing key starts with.</summary>
    public const string RoutingKeyPrefix = "dispatch.";
}
