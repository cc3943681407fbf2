namespace Dispatcher.Application.Ports;

/// <summary>A message in an error queue, as shown to operators.</summary>
/// <param name="Queue">Which error queue it is in: <c>events</c> (event bus) or <c>contracts</c> (<c>RecordChanged</c>).</param>
/// <param name="ErrorQueue">The error queue's name on the broker.</param>
/// <param name="MessageId">The message id, if any.</param>
/// <param name="EventName">The event name (<c>headers.name</c>) of an event-bus message, the message type (<c>RecordChanged</c>) of a contract.</param>
/// <param name="SourceFlowId">The source flow (<c>payload.meta.flowId</c>, or <c>RecordChanged.FlowId</c>), if readable.</param>
/// <param name="Reason">Why it failed (MassTransit's fault message header).</param>
/// <param name="ExceptionType">The failure's exception type.</param>
public sealed record ErrorQueueMessage(
    ErrorQueueKind Queue, string ErrorQueue, string? MessageId, string? EventName, string? SourceFlowId, string? Reason, string? ExceptionType);
