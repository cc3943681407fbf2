using Dispatcher.Application.Configurations.Validation;
using FluentValidation;

namespace Dispatcher.Application.Configurations.CreateConfiguration;

internal sealed class CreateConfigurationValidator : AbstractValidator<CreateConfiguration>
{
    public CreateConfigurationValidator() =>
        RuleFor(c => c.Input).NotNull().WithMessage("A configuration body is required.").Configuration();
}
