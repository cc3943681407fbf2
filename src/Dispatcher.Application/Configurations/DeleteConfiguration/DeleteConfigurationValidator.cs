using Dispatcher.Application.Configurations.Validation;
using FluentValidation;

namespace Dispatcher.Application.Configurations.DeleteConfiguration;

internal sealed class DeleteConfigurationValidator : AbstractValidator<DeleteConfiguration>
{
    public DeleteConfigurationValidator() => RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
}
