using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>An app as clients send it.</summary>
public sealed record AppInput
{
    /// <summary>The app's id; send it back to keep an existing app (and its flows) when replacing a configuration.</summary>
    [JsonPropertyName("_id")]
    public string? Id { get; init; }

    /// <summary>Display name, used in flow names.</summary>
    /// <example>Wice CRM</example>
    public string? ApplicationName { get; init; }

    /// <summary>The id the app has in record metadata.</summary>
    /// <example>wice5678</example>
    public string? ApplicationUid { get; init; }

    /// <summary>The adapter component (24-hex id in the Flow Repository).</summary>
    /// <example>5d2484d2a422ca001bda5690</example>
    public string? AdapterComponentId { get; init; }

    /// <summary>The transformer component (stored; unused by generated flows).</summary>
    public string? TransformerComponentId { get; init; }

    /// <summary>The adapter's credentials (24-hex id).</summary>
    public string? SecretId { get; init; }

    /// <summary>Free-form adapter fields; must be a JSON object.</summary>
    public JsonElement? Fields { get; init; }

    /// <summary>App → hub side.</summary>
    public SideInput? Outbound { get; init; }

    /// <summary>Hub → app side.</summary>
    public SideInput? Inbound { get; init; }
}
