using System.Text.Json;
using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>
/// Free-form settings of an app, passed into the fields of its adapter node when flows are generated.
/// Always a JSON object; stored and compared as compact JSON text.
/// </summary>
public sealed class AppFields : IEquatable<AppFields>
{
    private AppFields(string json) => Json = json;

    /// <summary>No fields: <c>{}</c>.</summary>
    public static AppFields Empty { get; } = new("{}");

    /// <summary>The compact JSON object text.</summary>
    public string Json { get; }

    /// <summary>True when there are no fields.</summary>
    public bool IsEmpty => Json == "{}";

    /// <summary>Creates fields from a JSON object element.</summary>
    public static AppFields FromElement(JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return Empty;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new DomainRuleViolationException(DomainRules.FieldsObject, "fields must be a JSON object.");
        }

        var json = JsonSerializer.Serialize(element);
        return json == "{}" ? Empty : new AppFields(json);
    }

    /// <summary>The fields as a detached JSON element.</summary>
    public JsonElement ToElement()
    {
        using var document = JsonDocument.Parse(Json);
        return document.RootElement.Clone();
    }

    /// <inheritdoc />
    public bool Equals(AppFields? other) => other is not null && string.Equals(Json, other.Json, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AppFields);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Json);

    /// <inheritdoc />
    public override string ToString() => Json;
}
