using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>What a flow is generated from: one connection of one app of one configuration.</summary>
/// <param name="ConfigurationId">The owning configuration.</param>
/// <param name="Tenant">The owning tenant.</param>
/// <param name="App">The app (adapter component, secret, fields, name).</param>
/// <param name="Connection">The connection the flow carries (direction, schema, operation, action).</param>
public sealed record FlowDefinition(ConfigurationId ConfigurationId, TenantId Tenant, App App, Connection Connection);
