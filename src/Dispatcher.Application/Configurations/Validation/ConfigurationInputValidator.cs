using Dispatcher.Application.Configurations.Models;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

internal sealed class ConfigurationInputValidator : AbstractValidator<ConfigurationInput>
{
    public ConfigurationInputValidator()
    {
        RuleFor(c => c.Name).NotEmpty().Text();
        RuleFor(c => c.DataModel).Text();
        RuleFor(c => c.Applications).Must(a => a is null || a.Count <= InputLimits.MaxApps)
            .WithErrorCode(InputLimits.Names.Apps)
            .WithMessage($"At most {InputLimits.MaxApps} applications per configuration ({InputLimits.Names.Apps}).");
        RuleForEach(c => c.Applications).NotNull().SetValidator(new AppInputValidator()!);
        RuleFor(c => c.Applications)
            .Must(apps => apps is null || apps.OfType<AppInput>().Where(a => !string.IsNullOrWhiteSpace(a.ApplicationUid))
                .GroupBy(a => a.ApplicationUid!.Trim()).All(g => g.Count() == 1))
            .WithMessage("Each applicationUid may appear only once in a configuration.");
    }
}
