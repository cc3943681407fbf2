using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Routing;

/// <summary>An inbound connection that receives a copy of an event.</summary>
/// <param name="ConfigurationId">The configuration both source and target belong to.</param>
/// <param name="AppId">The target app.</param>
/// <param name="ApplicationUid">The target app's uid, written into the dispatched meta.</param>
/// <param name="ConnectionId">The target inbound connection.</param>
/// <param name="FlowId">The target's flow; the dispatch goes to <c>dispatch.&lt;FlowId&gt;</c>.</param>
public sealed record RouteTarget(
    ConfigurationId ConfigurationId, AppId AppId, ApplicationUid ApplicationUid, ConnectionId ConnectionId, FlowId FlowId);
