using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>A flow as listed.</summary>
/// <param name="Id">The flow's id.</param>
/// <param name="Status">Its status.</param>
/// <param name="Owner">The connection it was created for, when this service created it; null otherwise.</param>
/// <param name="CreatedAt">When it was created, when known.</param>
public sealed record FlowSummary(FlowId Id, FlowStatus Status, FlowOwner? Owner, DateTimeOffset? CreatedAt);
