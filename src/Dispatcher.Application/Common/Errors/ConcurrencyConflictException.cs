namespace Dispatcher.Application.Common.Errors;

/// <summary>The stored state changed since it was read (optimistic concurrency), or an id is taken.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);
