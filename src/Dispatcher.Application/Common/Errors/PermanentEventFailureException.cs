namespace Dispatcher.Application.Common.Errors;

/// <summary>
/// An incoming event that can never succeed (malformed, past the hop limit): it goes to the error queue at once,
/// with <see cref="Exception.Message"/> as the reason, and is never retried.
/// </summary>
public class PermanentEventFailureException(string reason) : Exception(reason);
