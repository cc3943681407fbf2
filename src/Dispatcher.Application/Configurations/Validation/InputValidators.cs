using System.Text.Json;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

/// <summary>Shared rules for the input shapes.</summary>
internal static class Rules
{
    public static IRuleBuilderOptions<T, string?> Text<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(InputLimits.MaxText).WithErrorCode(InputLimits.Names.Text);

    public static IRuleBuilderOptions<T, JsonElement?> Fields<T>(this IRuleBuilder<T, JsonElement?> rule)
    {
        rule.Must(f => f is null || f.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
            .WithMessage("'fields' must be a JSON object.");
        rule.Must(f => f is null || Depth(f.Value) <= InputLimits.MaxFieldsDepth)
            .WithErrorCode(InputLimits.Names.FieldsDepth)
            .WithMessage($"'fields' may nest at most {InputLimits.MaxFieldsDepth} levels deep ({InputLimits.Names.FieldsDepth}).");
        return rule.Must(f => f is null || JsonSerializer.SerializeToUtf8Bytes(f.Value).Length <= InputLimits.MaxFieldsBytes)
            .WithErrorCode(InputLimits.Names.FieldsBytes)
            .WithMessage($"'fields' may be at most {InputLimits.MaxFieldsBytes} bytes as compact JSON ({InputLimits.Names.FieldsBytes}).");
    }

    /// <summary>Nesting depth of objects and arrays: a scalar is 0, <c>{}</c> is 1.</summary>
    public static int Depth(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => 1 + element.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + element.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

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

/// <summary>An app body.</summary>
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
        RuleFor(a => a.Outbound).SetValidator(new SideInputValidator(Direction.Outbound)!);
        RuleFor(a => a.Inbound).SetValidator(new SideInputValidator(Direction.Inbound)!);
    }
}

/// <summary>A partial app change.</summary>
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
        RuleFor(a => a.Outbound).SetValidator(new SideInputValidator(Direction.Outbound)!);
        RuleFor(a => a.Inbound).SetValidator(new SideInputValidator(Direction.Inbound)!);
    }
}

/// <summary>One side of an app.</summary>
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

/// <summary>One connection.</summary>
internal sealed class ConnectionInputValidator : AbstractValidator<ConnectionInput>
{
    public ConnectionInputValidator(Direction direction)
    {
        RuleFor(c => c.Id).ObjectId();
        RuleFor(c => c.SchemaUri).NotEmpty().MaximumLength(InputLimits.MaxSchemaUriLength).WithErrorCode(InputLimits.Names.SchemaUriLength);
        RuleFor(c => c.SchemaUri).Must(value => SchemaUri.TryParse(value, out _))
            .When(c => !string.IsNullOrWhiteSpace(c.SchemaUri))
            .WithMessage("'schemaUri' must be an absolute URI, got '{PropertyValue}'.");
        RuleFor(c => c.AdapterAction).Text();
        RuleFor(c => c.TransformerAction).Text();
        RuleFor(c => c.Operation).Text();
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
