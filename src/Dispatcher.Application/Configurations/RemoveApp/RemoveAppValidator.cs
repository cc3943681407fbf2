using Dispatcher.Application.Configurations.Validation;
using FluentValidation;

namespace Dispatcher.Application.Configurations.RemoveApp;

internal sealed class RemoveAppValidator : AbstractValidator<RemoveApp>
{
    public RemoveAppValidator()
    {
        RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
        RuleFor(c => c.AppId).RequiredObjectId().OverridePropertyName("appId");
    }
}
