namespace Dispatcher.Application.Common.Errors;

/// <summary>The event has made more dispatcher hops than allowed (an echo loop).</summary>
public sealed class HopLimitExceededException(string reason) : PermanentEventFailureException(reason);
