using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>An application connected to the hub, with its outbound and inbound sides.</summary>
public sealed class App
{
    private App(
        AppId id, ApplicationUid applicationUid, string applicationName, string? adapterComponentId,
        string? transformerComponentId, string? secretId, AppFields fields, AppSide outbound, AppSide inbound)
    {
        Id = id;
        ApplicationUid = applicationUid;
        ApplicationName = applicationName;
        AdapterComponentId = adapterComponentId;
        TransformerComponentId = transformerComponentId;
        SecretId = secretId;
        Fields = fields;
        Outbound = outbound;
        Inbound = inbound;
    }

    /// <summary>The app's id in the configuration (the original's nested <c>_id</c>).</summary>
    public AppId Id { get; }

    /// <summary>The id the app carries in record metadata.</summary>
    public ApplicationUid ApplicationUid { get; }

    /// <summary>Display name, used in generated flow names.</summary>
    public string ApplicationName { get; }

    /// <summary>The adapter component used in the app's flows.</summary>
    public string? AdapterComponentId { get; }

    /// <summary>The transformer component (stored for compatibility; not used by generated flows).</summary>
    public string? TransformerComponentId { get; }

    /// <summary>The credentials the adapter node uses.</summary>
    public string? SecretId { get; }

    /// <summary>Free-form adapter settings.</summary>
    public AppFields Fields { get; }

    /// <summary>App → hub side.</summary>
    public AppSide Outbound { get; }

    /// <summary>Hub → app side.</summary>
    public AppSide Inbound { get; }

    /// <summary>All connections, outbound first.</summary>
    public IEnumerable<Connection> Connections => Outbound.Connections.Concat(Inbound.Connections);

    /// <summary>Creates an app. The sides must be of the matching direction.</summary>
    public static App Create(
        AppId id, ApplicationUid applicationUid, string? applicationName, AppSide outbound, AppSide inbound,
        string? adapterComponentId = null, string? transformerComponentId = null, string? secretId = null,
        AppFields? fields = null)
    {
        ArgumentNullException.ThrowIfNull(outbound);
        ArgumentNullException.ThrowIfNull(inbound);
        if (outbound.Direction != Direction.Outbound || inbound.Direction != Direction.Inbound)
        {
            throw new ArgumentException("Sides passed in the wrong order.");
        }

        if (applicationUid == default)
        {
            throw new DomainRuleViolationException(DomainRules.Required, "applicationUid is required.");
        }

        return new App(
            id, applicationUid, Guard.Required(applicationName, "applicationName"), Guard.Optional(adapterComponentId),
            Guard.Optional(transformerComponentId), Guard.Optional(secretId), fields ?? AppFields.Empty, outbound, inbound);
    }

    /// <summary>The side for <paramref name="direction"/>.</summary>
    public AppSide Side(Direction direction) => direction == Direction.Outbound ? Outbound : Inbound;

    /// <summary>True when the other app has the same id, settings, sides, connections and flows.</summary>
    public bool IsSameAs(App other) =>
        Id == other.Id
        && ApplicationUid == other.ApplicationUid
        && ApplicationName == other.ApplicationName
        && AdapterComponentId == other.AdapterComponentId
        && TransformerComponentId == other.TransformerComponentId
        && SecretId == other.SecretId
        && Fields.Equals(other.Fields)
        && Outbound.IsSameAs(other.Outbound)
        && Inbound.IsSameAs(other.Inbound);
}
