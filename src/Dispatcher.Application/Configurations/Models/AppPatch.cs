using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>A partial change of one app: null members stay as they are.</summary>
public sealed record AppPatch
{
    /// <summary>New display name.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>New applicationUid.</summary>
    public string? ApplicationUid { get; init; }

    /// <summary>New adapter component.</summary>
    public string? AdapterComponentId { get; init; }

    /// <summary>New transformer component.</summary>
    public string? TransformerComponentId { get; init; }

    /// <summary>New secret.</summary>
    public string? SecretId { get; init; }

    /// <summary>New fields (replace the old ones).</summary>
    public JsonElement? Fields { get; init; }

    /// <summary>Outbound changes: <c>active</c> and/or <c>flows</c> (the list replaces the old one).</summary>
    public SideInput? Outbound { get; init; }

    /// <summary>Inbound changes: <c>active</c> and/or <c>flows</c> (the list replaces the old one).</summary>
    public SideInput? Inbound { get; init; }
}
