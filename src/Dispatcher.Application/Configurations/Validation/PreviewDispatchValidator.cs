using Dispatcher.Application.Configurations.Preview;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

/// <summary>Checks <see cref="PreviewDispatch"/> before its handler runs.</summary>
internal sealed class PreviewDispatchValidator : AbstractValidator<PreviewDispatch>
{
    public PreviewDispatchValidator() => RuleFor(c => c.ConfigurationId).RequiredObjectId().OverridePropertyName("id");
}
