using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Client.Models;

/// <summary>A stored dispatch configuration, as the service returns it.</summary>
public sealed record DispatchConfiguration
{
    /// <summary>The configuration id (24 hex digits).</summary>
    public required string Id { get; init; }

    /// <summary>The owning tenant (from the caller's token).</summary>
    public required string Tenant { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>The data model (domain) id, if any.</summary>
    public string? DataModel { get; init; }

    /// <summary>The connected apps.</summary>
    public IReadOnlyList<DispatchApp> Applications { get; init; } = [];

    /// <summary>When the configuration was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the configuration was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The stored version; the <c>ETag</c> of the configuration, to send back as the expected version.</summary>
    public long Version { get; init; }

    /// <summary>
    /// This configuration as input, with every app and connection id (and flow id), ready to change and send back:
    /// a replace keeps the apps, connections and flows whose ids it sends.
    /// </summary>
    public DispatchConfigurationInput ToInput() => new()
    {
        Name = Name,
        DataModel = DataModel,
        Applications = [.. Applications.Select(app => new DispatchAppInput
        {
            Id = app.Id,
            ApplicationName = app.ApplicationName,
            ApplicationUid = app.ApplicationUid,
            AdapterComponentId = app.AdapterComponentId,
            TransformerComponentId = app.TransformerComponentId,
            SecretId = app.SecretId,
            Fields = app.Fields.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : app.Fields,
            Outbound = SideInput(app.Outbound),
            Inbound = SideInput(app.Inbound),
        })],
    };

    private static DispatchSideInput SideInput(DispatchSide side) => new()
    {
        Active = side.Active,
        Flows = [.. side.Flows.Select(flow => new DispatchConnectionInput
        {
            Id = flow.Id,
            Operation = flow.Operation,
            SchemaUri = flow.SchemaUri,
            AdapterAction = flow.AdapterAction,
            TransformerAction = flow.TransformerAction,
            FlowId = flow.FlowId,
        })],
    };
}

/// <summary>An app of a stored configuration.</summary>
public sealed record DispatchApp
{
    /// <summary>The app's id (<c>_id</c>); send it back to keep the app and its flows when replacing a configuration.</summary>
    [JsonPropertyName("_id")]
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public required string ApplicationName { get; init; }

    /// <summary>The id the app has in record metadata.</summary>
    public required string ApplicationUid { get; init; }

    /// <summary>The adapter component.</summary>
    public string? AdapterComponentId { get; init; }

    /// <summary>The transformer component.</summary>
    public string? TransformerComponentId { get; init; }

    /// <summary>The adapter's credentials.</summary>
    public string? SecretId { get; init; }

    /// <summary>Free-form adapter fields (a JSON object, or undefined/null when there are none).</summary>
    public JsonElement Fields { get; init; }

    /// <summary>App → hub side.</summary>
    public required DispatchSide Outbound { get; init; }

    /// <summary>Hub → app side.</summary>
    public required DispatchSide Inbound { get; init; }
}

/// <summary>One side of a stored app.</summary>
public sealed record DispatchSide
{
    /// <summary>Whether the side takes part in routing.</summary>
    public bool Active { get; init; }

    /// <summary>The side's connections (the service calls them flows).</summary>
    public IReadOnlyList<DispatchConnection> Flows { get; init; } = [];
}

/// <summary>A stored connection.</summary>
public sealed record DispatchConnection
{
    /// <summary>The connection's id (<c>_id</c>).</summary>
    [JsonPropertyName("_id")]
    public required string Id { get; init; }

    /// <summary>Inbound only: <c>CREATE</c>, <c>UPDATE</c> or <c>DELETE</c>; null on outbound connections.</summary>
    public string? Operation { get; init; }

    /// <summary>The absolute URI of the data schema.</summary>
    public required string SchemaUri { get; init; }

    /// <summary>The adapter function.</summary>
    public string? AdapterAction { get; init; }

    /// <summary>The transformer function.</summary>
    public string? TransformerAction { get; init; }

    /// <summary>The connection's flow; null until it is provisioned.</summary>
    public string? FlowId { get; init; }
}

/// <summary>A configuration to create or to replace an existing one with.</summary>
public sealed record DispatchConfigurationInput
{
    /// <summary>Display name (required).</summary>
    public string? Name { get; init; }

    /// <summary>The data model (domain) id.</summary>
    public string? DataModel { get; init; }

    /// <summary>The connected apps.</summary>
    public IReadOnlyList<DispatchAppInput>? Applications { get; init; }
}

/// <summary>An app to store.</summary>
public sealed record DispatchAppInput
{
    /// <summary>The app's id; give the stored one back to keep an existing app (and its flows) on replace.</summary>
    [JsonPropertyName("_id")]
    public string? Id { get; init; }

    /// <summary>Display name, used in flow names.</summary>
    public string? ApplicationName { get; init; }

    /// <summary>The id the app has in record metadata.</summary>
    public string? ApplicationUid { get; init; }

    /// <summary>The adapter component (24-hex id in the Flow Repository).</summary>
    public string? AdapterComponentId { get; init; }

    /// <summary>The transformer component.</summary>
    public string? TransformerComponentId { get; init; }

    /// <summary>The adapter's credentials (24-hex id).</summary>
    public string? SecretId { get; init; }

    /// <summary>Free-form adapter fields; must be a JSON object.</summary>
    public JsonElement? Fields { get; init; }

    /// <summary>App → hub side.</summary>
    public DispatchSideInput? Outbound { get; init; }

    /// <summary>Hub → app side.</summary>
    public DispatchSideInput? Inbound { get; init; }
}

/// <summary>One side of an app to store.</summary>
public sealed record DispatchSideInput
{
    /// <summary>Whether the side takes part in routing; false when omitted.</summary>
    public bool? Active { get; init; }

    /// <summary>The side's connections.</summary>
    public IReadOnlyList<DispatchConnectionInput>? Flows { get; init; }
}

/// <summary>A connection to store.</summary>
public sealed record DispatchConnectionInput
{
    /// <summary>The connection's id; give the stored one back to keep an existing connection and its flow.</summary>
    [JsonPropertyName("_id")]
    public string? Id { get; init; }

    /// <summary>Inbound only: <c>CREATE</c>, <c>UPDATE</c> or <c>DELETE</c> (case-insensitive); omit on outbound connections.</summary>
    public string? Operation { get; init; }

    /// <summary>The absolute URI of the data schema.</summary>
    public string? SchemaUri { get; init; }

    /// <summary>The adapter function.</summary>
    public string? AdapterAction { get; init; }

    /// <summary>The transformer function.</summary>
    public string? TransformerAction { get; init; }

    /// <summary>
    /// Server-owned: it never assigns a flow. Echoed from a read, it only helps the service match an existing
    /// connection when <see cref="Id"/> is absent.
    /// </summary>
    public string? FlowId { get; init; }
}

/// <summary>A partial change of one app: null members stay as they are.</summary>
public sealed record DispatchAppPatch
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

    /// <summary>Outbound changes: <c>Active</c> and/or <c>Flows</c> (the list replaces the old one).</summary>
    public DispatchSideInput? Outbound { get; init; }

    /// <summary>Inbound changes: <c>Active</c> and/or <c>Flows</c> (the list replaces the old one).</summary>
    public DispatchSideInput? Inbound { get; init; }
}

/// <summary>The answer to a configuration delete.</summary>
/// <param name="Id">The deleted configuration.</param>
/// <param name="Message">The service's message ("Deletion successful").</param>
public sealed record DeletionResult(string Id, string Message);
