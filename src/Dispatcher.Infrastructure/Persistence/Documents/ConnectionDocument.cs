using System.Text.Json.Serialization;

namespace Dispatcher.Infrastructure.Persistence.Documents;

/// <summary>The stored form of a connection (an element of a side's <c>flows</c>).</summary>
internal sealed class ConnectionDocument
{
    /// <summary>24-hex id; an ObjectId in MongoDB.</summary>
    [JsonPropertyName("_id")]
    public string Id { get; set; } = string.Empty;

    /// <summary><c>CREATE</c>, <c>UPDATE</c> or <c>DELETE</c> on inbound connections; absent on outbound ones.</summary>
    [JsonConverter(typeof(SharedStringConverter))]
    public string? Operation { get; set; }

    [JsonConverter(typeof(SharedStringConverter))]
    public string? TransformerAction { get; set; }

    [JsonConverter(typeof(SharedStringConverter))]
    public string? AdapterAction { get; set; }

    [JsonConverter(typeof(SharedStringConverter))]
    public string? SchemaUri { get; set; }

    public string? FlowId { get; set; }
}
