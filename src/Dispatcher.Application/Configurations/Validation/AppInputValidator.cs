using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Configurations;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

internal sealed class AppInputValidator : AbstractValidator<AppInput>
{
    public AppInputValidator()
    {
        RuleFor(a => a.Id).ObjectId();
        RuleFor(a => a.ApplicationUid).NotEmpty().Text();
        RuleFor(a => a.ApplicationName).NotEmpty().Text();
        RuleFor(a => a.AdapterComponentId).ObjectId();
        RuleFor(a => a.AdapterComponentId).NotEmpty()
            .When(a => (a.Outbound?.Flows?.Count ?? 0) + (a.Inbound?.Flows?.Count ?? 0) > 0)
            .WithMessage("'adapterComponentId' is required when the app has connections: its flows run that adapter.");
        RuleFor(a => a.TransformerComponentId).ObjectId();
        RuleFor(a => a.SecretId).ObjectId();
        RuleFor(a => a.Fields).Fields();
        RuleFor(a => a.Outbound).Side(Direction.Outbound);
        RuleFor(a => a.Inbound).Side(Direction.Inbound);
    }
}
