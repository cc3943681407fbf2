using Dispatcher.Domain.Configurations;

namespace Dispatcher.Testing;

/// <summary>
/// The example of the original service's README, ready-made: SnazzyContacts and Wice CRM exchange persons both ways;
/// MS Outlook only receives (its outbound side is inactive). Every connection is provisioned with the flow ids below;
/// inbound connections exist for CREATE and UPDATE only, so a DELETE routes nowhere.
/// </summary>
/// <remarks>
/// A CREATE from <see cref="SnazzyOut"/> goes to <see cref="WiceCreate"/> (app <see cref="WiceUid"/>) and
/// <see cref="OutlookCreate"/> (app <see cref="OutlookUid"/>), in that order; nothing goes back to SnazzyContacts.
/// </remarks>
public static class ThreeAppExample
{
    /// <summary>The one data schema of the example.</summary>
    public const string Person = "http://metadata.openintegrationhub.com/api/v1/domains/5d9b/schemas/person";

    /// <summary>SnazzyContacts' <c>applicationUid</c>.</summary>
    public const string SnazzyUid = "snazzy1234";

    /// <summary>Wice CRM's <c>applicationUid</c>.</summary>
    public const string WiceUid = "wice5678";

    /// <summary>MS Outlook's <c>applicationUid</c>.</summary>
    public const string OutlookUid = "outlook9012";

    /// <summary>SnazzyContacts' outbound flow (active).</summary>
    public const string SnazzyOut = "snazzy-out";

    /// <summary>SnazzyContacts' inbound CREATE flow.</summary>
    public const string SnazzyCreate = "snazzy-in-create";

    /// <summary>SnazzyContacts' inbound UPDATE flow.</summary>
    public const string SnazzyUpdate = "snazzy-in-update";

    /// <summary>Wice CRM's outbound flow (active).</summary>
    public const string WiceOut = "wice-out";

    /// <summary>Wice CRM's inbound CREATE flow.</summary>
    public const string WiceCreate = "wice-in-create";

    /// <summary>Wice CRM's inbound UPDATE flow.</summary>
    public const string WiceUpdate = "wice-in-update";

    /// <summary>MS Outlook's outbound flow (provisioned, but the side is inactive: its events route nowhere).</summary>
    public const string OutlookOut = "outlook-out";

    /// <summary>MS Outlook's inbound CREATE flow.</summary>
    public const string OutlookCreate = "outlook-in-create";

    /// <summary>MS Outlook's inbound UPDATE flow.</summary>
    public const string OutlookUpdate = "outlook-in-update";

    /// <summary>Builds the example as a fresh configuration (a new configuration id per call).</summary>
    /// <param name="tenant">The owning tenant.</param>
    /// <returns>The configuration.</returns>
    public static Configuration Build(string tenant = "tenant-a") => Builder(tenant).Build();

    /// <summary>The example as a builder, to change or extend before building (e.g. add a fourth app).</summary>
    /// <param name="tenant">The owning tenant.</param>
    /// <returns>A builder holding the three apps.</returns>
    public static DispatchConfigurationBuilder Builder(string tenant = "tenant-a") => new DispatchConfigurationBuilder()
        .ForTenant(tenant)
        .Named("Hub and spoke example")
        .With(new AppBuilder(SnazzyUid, "SnazzyContacts")
            .Outbound(Person, SnazzyOut)
            .Inbound(Person, Operation.Create, SnazzyCreate)
            .Inbound(Person, Operation.Update, SnazzyUpdate))
        .With(new AppBuilder(WiceUid, "Wice CRM")
            .Outbound(Person, WiceOut)
            .Inbound(Person, Operation.Create, WiceCreate)
            .Inbound(Person, Operation.Update, WiceUpdate))
        .With(new AppBuilder(OutlookUid, "MS Outlook")
            .Outbound(Person, OutlookOut)
            .OutboundInactive()
            .Inbound(Person, Operation.Create, OutlookCreate)
            .Inbound(Person, Operation.Update, OutlookUpdate));
}
