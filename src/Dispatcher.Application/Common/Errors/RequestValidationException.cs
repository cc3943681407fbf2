using FluentValidation.Results;

namespace Dispatcher.Application.Common.Errors;

/// <summary>The request's shape is invalid; carries every failure with its field path.</summary>
public sealed class RequestValidationException(IReadOnlyList<ValidationFailure> failures)
    : Exception("One or more fields are invalid.")
{
    /// <summary>Every failure, with its property path (e.g. <c>applications[0].inbound.flows[1].operation</c>).</summary>
    public IReadOnlyList<ValidationFailure> Failures { get; } = failures;
}
