using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>The connection a flow was created for (written into the flow when it is created).</summary>
public sealed record FlowOwner(ConfigurationId ConfigurationId, ConnectionId ConnectionId);
