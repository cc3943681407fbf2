using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>One piece of flow work.</summary>
/// <param name="FlowId">The flow.</param>
/// <param name="Kind">What to do.</param>
/// <param name="Tenant">The tenant that owns (or owned) the flow; null for an orphan, whose tenant is unknown.</param>
/// <param name="ConfigurationId">The configuration that owns (or owned) the flow.</param>
/// <param name="RequestedAt">When the change that implies the work was made.</param>
public sealed record FlowWork(FlowId FlowId, FlowWorkKind Kind, TenantId? Tenant, ConfigurationId ConfigurationId, DateTimeOffset RequestedAt);
