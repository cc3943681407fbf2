using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Configurations;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

internal sealed class SideInputValidator : AbstractValidator<SideInput>
{
    public SideInputValidator(Direction direction)
    {
        RuleFor(s => s.Flows).Must(f => f is null || f.Count <= InputLimits.MaxConnectionsPerSide)
            .WithErrorCode(InputLimits.Names.ConnectionsPerSide)
            .WithMessage($"At most {InputLimits.MaxConnectionsPerSide} connections per side ({InputLimits.Names.ConnectionsPerSide}).");
        RuleForEach(s => s.Flows).NotNull().SetValidator(new ConnectionInputValidator(direction)!);
    }
}
