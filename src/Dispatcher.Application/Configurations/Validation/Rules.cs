using System.Text.Json;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using FluentValidation;

namespace Dispatcher.Application.Configurations.Validation;

/// <summary>
/// The rules of the input shapes, in one place: a configuration, its apps (whole or as a partial change), their sides
/// and connections — each shape's validator is nested here and applied through its extension (<c>.Configuration()</c>,
/// <c>.App()</c>, <c>.AppPatch()</c>, <c>.Side(direction)</c>) — and the field rules they share (<c>.Text()</c>,
/// <c>.Fields()</c>, <c>.ObjectId()</c>). The command validators apply them to their commands.
/// </summary>
internal static class Rules
{
    /// <summary>A configuration body (<c>POST /dispatches</c>, <c>PATCH /dispatches/{id}</c>).</summary>
    public static IRuleBuilderOptions<T, ConfigurationInput> Configuration<T>(this IRuleBuilder<T, ConfigurationInput> rule) =>
        rule.SetValidator(new ConfigurationValidator());

    /// <summary>A whole app, in a configuration body or added to one (<c>PUT /dispatches/{id}/app</c>).</summary>
    public static IRuleBuilderOptions<T, AppInput?> App<T>(this IRuleBuilder<T, AppInput?> rule) =>
        rule.SetValidator(new AppValidator()!);

    /// <summary>A partial change of an app (<c>PATCH /dispatches/{id}/app/{appId}</c>).</summary>
    public static IRuleBuilderOptions<T, AppPatch> AppPatch<T>(this IRuleBuilder<T, AppPatch> rule) =>
        rule.SetValidator(new AppPatchValidator());

    /// <summary>
    /// A side of an app (<see cref="AppInput"/> and <see cref="Models.AppPatch"/> alike): at most
    /// <see cref="InputLimits.MaxConnectionsPerSide"/> connections, each valid for <paramref name="direction"/>.
    /// </summary>
    public static IRuleBuilderOptions<T, SideInput?> Side<T>(this IRuleBuilder<T, SideInput?> rule, Direction direction) =>
        rule.SetValidator(new SideValidator(direction)!);

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

    private sealed class ConfigurationValidator : AbstractValidator<ConfigurationInput>
    {
        public ConfigurationValidator()
        {
            RuleFor(c => c.Name).NotEmpty().Text();
            RuleFor(c => c.DataModel).Text();
            RuleFor(c => c.Applications).Must(a => a is null || a.Count <= InputLimits.MaxApps)
                .WithErrorCode(InputLimits.Names.Apps)
                .WithMessage($"At most {InputLimits.MaxApps} applications per configuration ({InputLimits.Names.Apps}).");
            RuleForEach(c => c.Applications).NotNull().App();
            RuleFor(c => c.Applications)
                .Must(apps => apps is null || apps.OfType<AppInput>().Where(a => !string.IsNullOrWhiteSpace(a.ApplicationUid))
                    .GroupBy(a => a.ApplicationUid!.Trim()).All(g => g.Count() == 1))
                .WithMessage("Each applicationUid may appear only once in a configuration.");
        }
    }

    private sealed class AppValidator : AbstractValidator<AppInput>
    {
        public AppValidator()
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

    private sealed class AppPatchValidator : AbstractValidator<AppPatch>
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

    private sealed class SideValidator : AbstractValidator<SideInput>
    {
        public SideValidator(Direction direction)
        {
            RuleFor(s => s.Flows).Must(f => f is null || f.Count <= InputLimits.MaxConnectionsPerSide)
                .WithErrorCode(InputLimits.Names.ConnectionsPerSide)
                .WithMessage($"At most {InputLimits.MaxConnectionsPerSide} connections per side ({InputLimits.Names.ConnectionsPerSide}).");
            RuleForEach(s => s.Flows).NotNull().SetValidator(new ConnectionValidator(direction)!);
        }
    }

    private sealed class ConnectionValidator : AbstractValidator<ConnectionInput>
    {
        public ConnectionValidator(Direction direction)
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
                RuleFor(c => c.Operation).Must(op => ConfigurationMapping.ParseOperation(op) is not null)
                    .When(c => !string.IsNullOrEmpty(c.Operation))
                    .WithMessage("'operation' must be one of CREATE, UPDATE, DELETE, got '{PropertyValue}'.");
            }
            else
            {
                RuleFor(c => c.Operation).Empty().WithMessage("An outbound connection has no 'operation'.");
            }
        }
    }
}
