using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Configurations;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

internal sealed class AppPatchValidator : AbstractValidator<AppPatch>
{
    public AppPatchValidator()
    {
        RuleFor(a => a.ApplicationUid).NotEmpty().Text().When(a => a.ApplicationUid is not null);
        RuleFor(a => a.ApplicationName).NotEmpty().Text().When(a => a.ApplicationName is not null);
        RuleFor(a => a.AdapterComponentId).ObjectId();
        RuleFor(a => a.TransformerComponentId).ObjectId();
        RuleFor(a => a.SecretId).ObjectId();
        RuleFor(a => a.Fields).Fields();
        RuleFor(a => a.Outbound).Side(Direction.Outbound);
        RuleFor(a => a.Inbound).Side(Direction.Inbound);
    }
}
