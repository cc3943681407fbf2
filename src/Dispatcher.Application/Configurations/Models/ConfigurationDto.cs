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
