using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Configurations;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

internal sealed class ConnectionInputValidator : AbstractValidator<ConnectionInput>
{
    public ConnectionInputValidator(Direction direction)
    {
        RuleFor(c => c.Id).ObjectId();
        RuleFor(c => c.SchemaUri).NotEmpty().MaximumLength(InputLimits.MaxSchemaUriLength).WithErrorCode(InputLimits.Names.SchemaUriLength);
        RuleFor(c => c.SchemaUri).Must(value => SchemaUri.TryParse(value, out _))
            .When(c => !string.IsNullOrWhiteSpace(c.SchemaUri))
            .WithMessage("'schemaUri' must be an absolute URI, got '{PropertyValue}'.");
        RuleFor(c => c.AdapterAction).Text();
        RuleFor(c => c.TransformerAction).Text();
        RuleFor(c => c.Operation).Text();
        if (direction == Direction.Inbound)
        {
            RuleFor(c => c.Operation).NotEmpty()
                .WithMessage("An inbound connection needs an 'operation': CREATE, UPDATE or DELETE.");
            RuleFor(c => c.Operation).Must(op => AppAssembler.ParseOperation(op) is not null)
                .When(c => !string.IsNullOrEmpty(c.Operation))
                .WithMessage("'operation' must be one of CREATE, UPDATE, DELETE, got '{PropertyValue}'.");
        }
        else
        {
            RuleFor(c => c.Operation).Empty().WithMessage("An outbound connection has no 'operation'.");
        }
    }
}
