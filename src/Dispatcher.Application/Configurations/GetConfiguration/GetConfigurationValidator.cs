using Dispatcher.Application.Configurations.Validation;
using FluentValidation;

namespace Dispatcher.Application.Configurations.GetConfiguration;

/// <summary>Checks <see cref="GetConfiguration"/> before its handler runs.</summary>
internal sealed class GetConfigurationValidator : AbstractValidator<GetConfiguration>
{
    public GetConfigurationValidator() => RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
}
