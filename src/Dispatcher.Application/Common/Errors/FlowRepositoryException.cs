namespace Dispatcher.Application.Common.Errors;

/// <summary>A flow operation failed; <see cref="Failure"/> says how. Never carries a token.</summary>
public sealed class FlowRepositoryException(FlowFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public FlowFailure Failure { get; } = failure;
}
