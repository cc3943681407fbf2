using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>A configuration was created.</summary>
public sealed record ConfigurationCreated(ConfigurationId ConfigurationId, TenantId Tenant) : IDomainEvent;

/// <summary>The name or data model of a configuration changed.</summary>
public sealed record ConfigurationDetailsChanged(ConfigurationId ConfigurationId) : IDomainEvent;

/// <summary>A configuration was deleted; <paramref name="Flows"/> are the flows it owned.</summary>
public sealed record ConfigurationDeleted(ConfigurationId ConfigurationId, IReadOnlyList<FlowId> Flows) : IDomainEvent;

/// <summary>An app was added.</summary>
public sealed record AppAdded(ConfigurationId ConfigurationId, AppId AppId) : IDomainEvent;

/// <summary>An app was replaced by a changed definition with the same id.</summary>
public sealed record AppChanged(ConfigurationId ConfigurationId, AppId AppId) : IDomainEvent;

/// <summary>An app was removed; <paramref name="App"/> is its last state (its flows are to be removed).</summary>
public sealed record AppRemoved(ConfigurationId ConfigurationId, App App) : IDomainEvent;

/// <summary>A side of an app was switched active.</summary>
public sealed record SideActivated(ConfigurationId ConfigurationId, AppId AppId, Direction Direction) : IDomainEvent;

/// <summary>A side of an app was switched inactive.</summary>
public sealed record SideDeactivated(ConfigurationId ConfigurationId, AppId AppId, Direction Direction) : IDomainEvent;

/// <summary>A connection got its provisioned flow.</summary>
public sealed record FlowAssigned(ConfigurationId ConfigurationId, ConnectionId ConnectionId, FlowId FlowId) : IDomainEvent;

/// <summary>
/// A flow is no longer carried by any connection of the configuration (its connection, side definition or app was
/// removed or redefined): the flow is to be removed.
/// </summary>
public sealed record FlowReleased(ConfigurationId ConfigurationId, FlowId FlowId) : IDomainEvent;

/// <summary>A connection lost its flow (the flow had vanished).</summary>
public sealed record FlowUnassigned(ConfigurationId ConfigurationId, ConnectionId ConnectionId, FlowId FlowId) : IDomainEvent;
