using Dispatcher.Application.Configurations.Validation;
using FluentValidation;

namespace Dispatcher.Application.Configurations.GetConfiguration;

internal sealed class GetConfigurationValidator : AbstractValidator<GetConfiguration>
{
    public GetConfigurationValidator() => RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
}
