using System.Text.Json;
using Dispatcher.Domain.Common;
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
