using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Infrastructure.Persistence.Documents;

/// <summary>Source-generated System.Text.Json metadata for the document model (the SQLite store's JSON text).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConfigurationDocument))]
internal sealed partial class ConfigurationDocumentJsonContext : JsonSerializerContext;

/// <summary>
/// Reads a string property whose values repeat across documents (schema URIs, adapter actions, operations, component
/// ids) as one shared instance per value: a full load reads millions of them, nearly all equal to one seen before.
/// Strings are immutable, so sharing is invisible; a value not in the small cache is read as usual. Writes as the
/// default converter does. Thread-safe (the context, and so this converter, is shared).
/// </summary>
internal sealed class SharedStringConverter : JsonConverter<string>
{
    private const int Slots = 1024;
    private const int MaxBytes = 512;

    private readonly Entry?[] _recent = new Entry?[Slots];

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || reader.HasValueSequence || reader.ValueIsEscaped
            || reader.ValueSpan.Length > MaxBytes)
        {
            return reader.GetString();
        }

        var bytes = reader.ValueSpan;
        var hash = new HashCode();
        hash.AddBytes(bytes);
        ref var slot = ref _recent[hash.ToHashCode() & (Slots - 1)];
        if (Volatile.Read(ref slot) is { } entry && bytes.SequenceEqual(entry.Utf8))
        {
            return entry.Text;
        }

        var text = reader.GetString()!;
        Volatile.Write(ref slot, new Entry(bytes.ToArray(), text));
        return text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);

    private sealed record Entry(byte[] Utf8, string Text);
}

/// <summary>
/// An app's <c>fields</c>: an empty object reads as an undefined element (which <c>AppFields.FromElement</c> maps to
/// <c>AppFields.Empty</c>, as it maps <c>{}</c>) instead of a <see cref="JsonDocument"/> of its own per app; anything
/// else reads and writes as the default converter does.
/// </summary>
internal sealed class FieldsConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            var probe = reader;
            if (probe.Read() && probe.TokenType == JsonTokenType.EndObject)
            {
                reader = probe;
                return default;
            }
        }

        return JsonElement.ParseValue(ref reader);
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);
}
