using System.Text.Json;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

/// <summary>Shared rules for the input shapes.</summary>
internal static class Rules
{
    public const int MaxText = 200;
    public const int MaxItems = 100;

    public static IRuleBuilderOptions<T, string?> ObjectId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => string.IsNullOrEmpty(value) || ObjectIdText.IsValid(value))
            .WithMessage("'{PropertyName}' must be 24 hexadecimal digits, got '{PropertyValue}'.");

    public static IRuleBuilderOptions<T, string?> RequiredObjectId<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(ObjectIdText.IsValid).WithMessage("'{PropertyName}' must be 24 hexadecimal digits, got '{PropertyValue}'.");
}

/// <summary>A configuration body.</summary>
internal sealed class ConfigurationInputValidator : AbstractValidator<ConfigurationInput>
{
    public ConfigurationInputValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(Rules.MaxText);
        RuleFor(c => c.DataModel).MaximumLength(Rules.MaxText);
        RuleFor(c => c.Applications).Must(a => a is null || a.Count <= Rules.MaxItems)
            .WithMessage($"At most {Rules.MaxItems} applications per configuration.");
        RuleForEach(c => c.Applications).NotNull().SetValidator(new AppInputValidator()!);
        RuleFor(c => c.Applications)
            .Must(apps => apps is null || apps.OfType<AppInput>().Where(a => !string.IsNullOrWhiteSpace(a.ApplicationUid))
                .GroupBy(a => a.ApplicationUid!.Trim()).All(g => g.Count() == 1))
            .WithMessage("Each applicationUid may appear only once in a configuration.");
    }
}

/// <summary>An app body.</summary>
internal sealed class AppInputValidator : AbstractValidator<AppInput>
{
    public AppInputValidator()
    {
        RuleFor(a => a.Id).ObjectId();
        RuleFor(a => a.ApplicationUid).NotEmpty().MaximumLength(Rules.MaxText);
        RuleFor(a => a.ApplicationName).NotEmpty().MaximumLength(Rules.MaxText);
        RuleFor(a => a.AdapterComponentId).ObjectId();
        RuleFor(a => a.AdapterComponentId).NotEmpty()
            .When(a => (a.Outbound?.Flows?.Count ?? 0) + (a.Inbound?.Flows?.Count ?? 0) > 0)
            .WithMessage("'adapterComponentId' is required when the app has connections: its flows run that adapter.");
        RuleFor(a => a.TransformerComponentId).ObjectId();
        RuleFor(a => a.SecretId).ObjectId();
        RuleFor(a => a.Fields).Must(f => f is null || f.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
            .WithMessage("'fields' must be a JSON object.");
        RuleFor(a => a.Outbound).SetValidator(new SideInputValidator(Direction.Outbound)!);
        RuleFor(a => a.Inbound).SetValidator(new SideInputValidator(Direction.Inbound)!);
    }
}

/// <summary>A partial app change.</summary>
internal sealed class AppPatchValidator : AbstractValidator<AppPatch>
{
    public AppPatchValidator()
    {
        RuleFor(a => a.ApplicationUid).NotEmpty().MaximumLength(Rules.MaxText).When(a => a.ApplicationUid is not null);
        RuleFor(a => a.ApplicationName).NotEmpty().MaximumLength(Rules.MaxText).When(a => a.ApplicationName is not null);
        RuleFor(a => a.AdapterComponentId).ObjectId();
        RuleFor(a => a.TransformerComponentId).ObjectId();
        RuleFor(a => a.SecretId).ObjectId();
        RuleFor(a => a.Fields).Must(f => f is null || f.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
            .WithMessage("'fields' must be a JSON object.");
        RuleFor(a => a.Outbound).SetValidator(new SideInputValidator(Direction.Outbound)!);
        RuleFor(a => a.Inbound).SetValidator(new SideInputValidator(Direction.Inbound)!);
    }
}

/// <summary>One side of an app.</summary>
internal sealed class SideInputValidator : AbstractValidator<SideInput>
{
    public SideInputValidator(Direction direction)
    {
        RuleFor(s => s.Flows).Must(f => f is null || f.Count <= Rules.MaxItems)
            .WithMessage($"At most {Rules.MaxItems} connections per side.");
        RuleForEach(s => s.Flows).NotNull().SetValidator(new ConnectionInputValidator(direction)!);
    }
}

/// <summary>One connection.</summary>
internal sealed class ConnectionInputValidator : AbstractValidator<ConnectionInput>
{
    public ConnectionInputValidator(Direction direction)
    {
        RuleFor(c => c.Id).ObjectId();
        RuleFor(c => c.SchemaUri).NotEmpty();
        RuleFor(c => c.SchemaUri).Must(value => SchemaUri.TryParse(value, out _))
            .When(c => !string.IsNullOrWhiteSpace(c.SchemaUri))
            .WithMessage("'schemaUri' must be an absolute URI, got '{PropertyValue}'.");
        RuleFor(c => c.AdapterAction).MaximumLength(Rules.MaxText);
        RuleFor(c => c.TransformerAction).MaximumLength(Rules.MaxText);
        if (direction == Direction.Inbound)
        {
            RuleFor(c => c.Operation).NotEmpty()
                .WithMessage("An inbound connection needs an 'operation': CREATE, UPDATE or DELETE.");
            RuleFor(c => c.Operation).Must(op => AppAssembler.ParseOperation(op) is not null)
                .When(c => !string.IsNullOrEmpty(c.Operation))
                .WithMessage("'operation' must be one of CREATE, UPDATE, DELETE, got '{PropertyValue}'.");
        }
        else
        {
            RuleFor(c => c.Operation).Empty().WithMessage("An outbound connection has no 'operation'.");
        }
    }
}
