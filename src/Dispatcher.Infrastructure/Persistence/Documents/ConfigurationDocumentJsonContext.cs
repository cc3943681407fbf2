using System.Text.Json.Serialization;

namespace Dispatcher.Infrastructure.Persistence.Documents;

/// <summary>Source-generated System.Text.Json metadata for the document model (the SQLite store's JSON text).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConfigurationDocument))]
internal sealed partial class ConfigurationDocumentJsonContext : JsonSerializerContext;
