using Dispatcher.Application.Common.Errors;
using FluentValidation;
using Mediator;

namespace Dispatcher.Application.Common.Behaviours;

/// <summary>
/// Runs every validator registered for the message before its handler and reports all failures at once.
/// </summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private readonly IValidator<TMessage>[] _validators = [.. validators];

    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (_validators.Length > 0)
        {
            // One context per validator: a shared context accumulates failures, so each would be reported twice.
            var failures = new List<FluentValidation.Results.ValidationFailure>();
            foreach (var validator in _validators)
            {
                var result = await validator.ValidateAsync(message, cancellationToken);
                failures.AddRange(result.Errors);
            }

            if (failures.Count > 0)
            {
                throw new RequestValidationException(failures);
            }
        }

        return await next(message, cancellationToken);
    }
}
