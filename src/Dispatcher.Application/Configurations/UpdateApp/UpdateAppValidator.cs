using Dispatcher.Application.Configurations.Validation;
using FluentValidation;

namespace Dispatcher.Application.Configurations.UpdateApp;

internal sealed class UpdateAppValidator : AbstractValidator<UpdateApp>
{
    public UpdateAppValidator()
    {
        RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
        RuleFor(c => c.AppId).RequiredObjectId().OverridePropertyName("appId");
        RuleFor(c => c.Patch).NotNull().WithMessage("A body with the app's changes is required.").AppPatch();
    }
}
