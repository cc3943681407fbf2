using Dispatcher.Application.Configurations.Commands;
using Dispatcher.Application.Configurations.Preview;
using Dispatcher.Application.Configurations.Queries;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

internal sealed class CreateConfigurationValidator : AbstractValidator<CreateConfiguration>
{
    public CreateConfigurationValidator() =>
        RuleFor(c => c.Input).NotNull().WithMessage("A configuration body is required.").SetValidator(new ConfigurationInputValidator());
}

internal sealed class ReplaceConfigurationValidator : AbstractValidator<ReplaceConfiguration>
{
    public ReplaceConfigurationValidator()
    {
        RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
        RuleFor(c => c.Input).NotNull().WithMessage("A configuration body is required.").SetValidator(new ConfigurationInputValidator());
    }
}

internal sealed class DeleteConfigurationValidator : AbstractValidator<DeleteConfiguration>
{
    public DeleteConfigurationValidator() => RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
}

internal sealed class AddAppsValidator : AbstractValidator<AddApps>
{
    public AddAppsValidator()
    {
        RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
        RuleFor(c => c.Apps).NotEmpty().WithMessage("Send one app or an array of apps.");
        RuleFor(c => c.Apps).Must(a => a.Count <= InputLimits.MaxApps)
            .WithErrorCode(InputLimits.Names.Apps)
            .WithMessage($"At most {InputLimits.MaxApps} applications per configuration ({InputLimits.Names.Apps}).");
        RuleForEach(c => c.Apps).NotNull().SetValidator(new AppInputValidator()!);
    }
}

internal sealed class UpdateAppValidator : AbstractValidator<UpdateApp>
{
    public UpdateAppValidator()
    {
        RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
        RuleFor(c => c.AppId).RequiredObjectId().OverridePropertyName("appId");
        RuleFor(c => c.Patch).NotNull().WithMessage("A body with the app's changes is required.").SetValidator(new AppPatchValidator());
    }
}

internal sealed class RemoveAppValidator : AbstractValidator<RemoveApp>
{
    public RemoveAppValidator()
    {
        RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
        RuleFor(c => c.AppId).RequiredObjectId().OverridePropertyName("appId");
    }
}

internal sealed class GetConfigurationValidator : AbstractValidator<GetConfiguration>
{
    public GetConfigurationValidator() => RuleFor(c => c.Id).RequiredObjectId().OverridePropertyName("id");
}

internal sealed class PreviewDispatchValidator : AbstractValidator<PreviewDispatch>
{
    public PreviewDispatchValidator() => RuleFor(c => c.ConfigurationId).RequiredObjectId().OverridePropertyName("id");
}
