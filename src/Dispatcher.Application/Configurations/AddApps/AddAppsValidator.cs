using Dispatcher.Application.Configurations.Validation;
using FluentValidation;

namespace Dispatcher.Application.Configurations.AddApps;

internal sealed class AddAppsValidator : AbstractValidator<AddApps>
{
    public AddAppsValidator()
    {
        RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
        RuleFor(c => c.Apps).NotEmpty().WithMessage("Send one app or an array of apps.");
        RuleFor(c => c.Apps).Must(a => a.Count <= InputLimits.MaxApps)
            .WithErrorCode(InputLimits.Names.Apps)
            .WithMessage($"At most {InputLimits.MaxApps} applications per configuration ({InputLimits.Names.Apps}).");
        RuleForEach(c => c.Apps).NotNull().App();
    }
}
