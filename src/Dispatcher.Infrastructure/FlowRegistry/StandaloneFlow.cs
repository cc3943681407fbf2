using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Infrastructure.FlowRegistry;

/// <summary>A flow kept by the standalone registry, as <see cref="StandaloneFlowRegistry.ListAsync(CancellationToken)"/> reports it.</summary>
/// <param name="Id">The flow id (24 hex digits).</param>
/// <param name="Tenant">The tenant of the configuration the flow was created for.</param>
/// <param name="ConfigurationId">The configuration the flow was created for.</param>
/// <param name="ConnectionId">The connection the flow carries.</param>
/// <param name="Direction">The connection's direction.</param>
/// <param name="Name">The generated name, as the original service names its flows.</param>
/// <param name="Status">The status, with a due <c>starting</c>/<c>stopping</c> transition already settled.</param>
/// <param name="StatusChangedAt">When the flow entered <paramref name="Status"/>.</param>
/// <param name="CreatedAt">When the flow was created.</param>
internal sealed record StandaloneFlow(
    FlowId Id,
    string Tenant,
    ConfigurationId ConfigurationId,
    ConnectionId ConnectionId,
    Direction Direction,
    string Name,
    FlowStatus Status,
    DateTimeOffset StatusChangedAt,
    DateTimeOffset CreatedAt);
