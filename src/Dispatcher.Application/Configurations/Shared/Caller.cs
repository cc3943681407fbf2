using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Configurations.Shared;

/// <summary>Who is writing: the caller's tenant (from the token, never the body) and its flow call context.</summary>
/// <param name="Tenant">The caller's tenant.</param>
/// <param name="Flows">Whose authority flow calls use (the caller's bearer token).</param>
/// <param name="ExpectedVersion">The version the caller based the change on (<c>If-Match</c>), if any.</param>
public sealed record Caller(TenantId Tenant, FlowCallContext Flows, long? ExpectedVersion = null);
