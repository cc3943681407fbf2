using Dispatcher.Application.Configurations.Preview;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

internal sealed class PreviewDispatchValidator : AbstractValidator<PreviewDispatch>
{
    public PreviewDispatchValidator() => RuleFor(c => c.ConfigurationId).RequiredObjectId().OverridePropertyName("id");
}
