using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Application.Configurations.Models;

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
