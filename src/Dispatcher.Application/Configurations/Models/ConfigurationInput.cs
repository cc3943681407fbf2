using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Application.Configurations.Models;

/// <summary>A configuration as clients send it (field names as the original service).</summary>
public sealed record ConfigurationInput
{
    /// <summary>Display name.</summary>
    /// <example>Persons hub</example>
    public string? Name { get; init; }

    /// <summary>The data model (domain) id.</summary>
    /// <example>5d9b3c2e1f0a4b5c6d7e8f90</example>
    public string? DataModel { get; init; }

    /// <summary>The connected apps.</summary>
    public IReadOnlyList<AppInput?>? Applications { get; init; }
}

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

/// <summary>One side of an app as clients send it.</summary>
public sealed record SideInput
{
    /// <summary>Whether the side takes part in routing; false when omitted.</summary>
    /// <example>true</example>
    public bool? Active { get; init; }

    /// <summary>The side's connections (the original calls them flows).</summary>
    public IReadOnlyList<ConnectionInput?>? Flows { get; init; }
}

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
