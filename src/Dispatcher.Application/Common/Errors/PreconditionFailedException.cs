namespace Dispatcher.Application.Common.Errors;

/// <summary>The caller's <c>If-Match</c> version is not the stored one.</summary>
public sealed class PreconditionFailedException(string message) : Exception(message);
