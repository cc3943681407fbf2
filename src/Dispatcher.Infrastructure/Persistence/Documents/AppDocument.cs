using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Infrastructure.Persistence.Documents;

/// <summary>The stored form of an app (an element of <c>applications</c>).</summary>
internal sealed class AppDocument
{
    /// <summary>24-hex id; an ObjectId in MongoDB.</summary>
    [JsonPropertyName("_id")]
    public string Id { get; set; } = string.Empty;

    public string? ApplicationName { get; set; }

    public string? ApplicationUid { get; set; }

    [JsonConverter(typeof(SharedStringConverter))]
    public string? AdapterComponentId { get; set; }

    [JsonConverter(typeof(SharedStringConverter))]
    public string? TransformerComponentId { get; set; }

    public string? SecretId { get; set; }

    /// <summary>A JSON object (an embedded document in MongoDB); undefined when the stored document has none.</summary>
    [JsonConverter(typeof(FieldsConverter))]
    public JsonElement Fields { get; set; }

    public SideDocument? Outbound { get; set; }

    public SideDocument? Inbound { get; set; }
}
