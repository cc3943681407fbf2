using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>A connection as the API returns it; <see cref="FlowId"/> is null until provisioned.</summary>
public sealed record ConnectionDto(
    [property: JsonPropertyName("_id")] string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Operation,
    string SchemaUri,
    string? AdapterAction,
    string? TransformerAction,
    string? FlowId);
