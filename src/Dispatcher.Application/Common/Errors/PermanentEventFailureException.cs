namespace Dispatcher.Application.Common.Errors;

/// <summary>
/// An incoming event that can never succeed (malformed, past the hop limit): it goes to the error queue at once,
/// with <see cref="Exception.Message"/> as the reason, and is never retried.
/// </summary>
public class PermanentEventFailureException(string reason) : Exception(reason);

/// <summary>The event is not valid: bad JSON, no <c>meta.flowId</c>, an unknown event name or operation.</summary>
public sealed class MalformedEventException(string reason) : PermanentEventFailureException(reason);

/// <summary>The event has made more dispatcher hops than allowed (an echo loop).</summary>
public sealed class HopLimitExceededException(string reason) : PermanentEventFailureException(reason);
