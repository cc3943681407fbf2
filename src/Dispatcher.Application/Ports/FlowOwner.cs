using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>The connection a flow was created for (written into the flow when it is created).</summary>
/// <param name="ConfigurationId">The configuration.</param>
/// <param name="ConnectionId">The connection.</param>
public sealed record FlowOwner(ConfigurationId ConfigurationId, ConnectionId ConnectionId);
