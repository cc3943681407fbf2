using System.Text.Json.Serialization;

namespace Dispatcher.Infrastructure.Persistence.Documents;

/// <summary>The stored form of a connection (an element of a side's <c>flows</c>).</summary>
internal sealed class ConnectionDocument
{
    /// <summary>24-hex id; an ObjectId in MongoDB.</summary>
    [JsonPropertyName("_id")]
    public string Id { get; set; } = string.Empty;

    /// <summary><c>CREATE</c>, <c>UPDATE</c> or <c>DELETE</c> on inbound connections; absent on outbound ones.</summary>
    public string? Operation { get; set; }

    public string? TransformerAction { get; set; }

    public string? AdapterAction { get; set; }

    public string? SchemaUri { get; set; }

    public string? FlowId { get; set; }
}
