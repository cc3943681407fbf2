namespace Dispatcher.Application.Common.Errors;

/// <summary>The requested resource does not exist for the caller's tenant.</summary>
public sealed class NotFoundException(string message) : Exception(message);
