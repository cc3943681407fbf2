using Dispatcher.Application.Configurations.Validation;
using FluentValidation;

namespace Dispatcher.Application.Configurations.ReplaceConfiguration;

internal sealed class ReplaceConfigurationValidator : AbstractValidator<ReplaceConfiguration>
{
    public ReplaceConfigurationValidator()
    {
        RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
        RuleFor(c => c.Input).NotNull().WithMessage("A configuration body is required.").Configuration();
    }
}
