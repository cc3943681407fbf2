using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Routing;

/// <summary>An inbound flow that receives a copy of an event.</summary>
/// <param name="ConfigurationId">The configuration both source and target belong to.</param>
/// <param name="ApplicationUid">The target app's uid, written into the dispatched meta.</param>
/// <param name="FlowId">The target's flow; the dispatch goes to <c>dispatch.&lt;FlowId&gt;</c>.</param>
/// <remarks>
/// Only what dispatching needs. The app and connection behind a target are found in the configuration by
/// <see cref="FlowId"/> (flow ids are unique), which keeps the routing table small.
/// </remarks>
public sealed record RouteTarget(ConfigurationId ConfigurationId, ApplicationUid ApplicationUid, FlowId FlowId);
