namespace Dispatcher.Application.Common.Errors;

/// <summary>The event is not valid: bad JSON, no <c>meta.flowId</c>, an unknown event name or operation.</summary>
public sealed class MalformedEventException(string reason) : PermanentEventFailureException(reason);
