using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>A configuration as the API returns it (the original's shape: top-level <c>id</c>, nested <c>_id</c>).</summary>
public sealed record ConfigurationDto(
    string Id,
    string Tenant,
    string Name,
    string? DataModel,
    IReadOnlyList<AppDto> Applications,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>An app as the API returns it.</summary>
public sealed record AppDto(
    [property: JsonPropertyName("_id")] string Id,
    string ApplicationName,
    string ApplicationUid,
    string? AdapterComponentId,
    string? TransformerComponentId,
    string? SecretId,
    JsonElement Fields,
    SideDto Outbound,
    SideDto Inbound);

/// <summary>One side of an app as the API returns it.</summary>
public sealed record SideDto(bool Active, IReadOnlyList<ConnectionDto> Flows);

/// <summary>A connection as the API returns it; <see cref="FlowId"/> is null until provisioned.</summary>
public sealed record ConnectionDto(
    [property: JsonPropertyName("_id")] string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Operation,
    string SchemaUri,
    string? AdapterAction,
    string? TransformerAction,
    string? FlowId);
