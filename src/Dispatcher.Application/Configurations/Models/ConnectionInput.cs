using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>A connection as clients send it.</summary>
public sealed record ConnectionInput
{
    /// <summary>The connection's id; send it back to keep an existing connection and its flow.</summary>
    [JsonPropertyName("_id")]
    public string? Id { get; init; }

    /// <summary>Inbound only: CREATE, UPDATE or DELETE (case-insensitive); absent on outbound connections.</summary>
    public string? Operation { get; init; }

    /// <summary>The absolute URI of the data schema.</summary>
    /// <example>http://metadata.example.com/api/v1/domains/5d9b/schemas/person</example>
    public string? SchemaUri { get; init; }

    /// <summary>The adapter function.</summary>
    /// <example>createContact</example>
    public string? AdapterAction { get; init; }

    /// <summary>The transformer function (stored; unused by generated flows).</summary>
    public string? TransformerAction { get; init; }

    /// <summary>
    /// Server-owned. Echoed by reads; on writes it only helps match an existing connection of the same
    /// configuration when <see cref="Id"/> is absent. It never assigns a flow.
    /// </summary>
    public string? FlowId { get; init; }
}
