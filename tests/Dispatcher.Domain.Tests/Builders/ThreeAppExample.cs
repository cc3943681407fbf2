using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Tests.Builders;

/// <summary>
/// The example of the original service's README: SnazzyContacts and Wice CRM exchange persons both ways;
/// MS Outlook only receives (its outbound side is inactive). Inbound connections exist for CREATE and UPDATE only.
/// </summary>
public static class ThreeAppExample
{
    public const string Person = "http://metadata.openintegrationhub.com/api/v1/domains/5d9b/schemas/person";

    public const string SnazzyOut = "snazzy-out";
    public const string SnazzyCreate = "snazzy-in-create";
    public const string SnazzyUpdate = "snazzy-in-update";
    public const string WiceOut = "wice-out";
    public const string WiceCreate = "wice-in-create";
    public const string WiceUpdate = "wice-in-update";
    public const string OutlookOut = "outlook-out";
    public const string OutlookCreate = "outlook-in-create";
    public const string OutlookUpdate = "outlook-in-update";

    public static Configuration Build(string tenant = "tenant-a") => new ConfigurationBuilder()
        .ForTenant(tenant)
        .Named("Hub and spoke example")
        .With(new AppBuilder("snazzy1234", "SnazzyContacts")
            .Outbound(Person, SnazzyOut)
            .Inbound(Person, Operation.Create, SnazzyCreate)
            .Inbound(Person, Operation.Update, SnazzyUpdate))
        .With(new AppBuilder("wice5678", "Wice CRM")
            .Outbound(Person, WiceOut)
            .Inbound(Person, Operation.Create, WiceCreate)
            .Inbound(Person, Operation.Update, WiceUpdate))
        .With(new AppBuilder("outlook9012", "MS Outlook")
            .Outbound(Person, OutlookOut)
            .OutboundInactive()
            .Inbound(Person, Operation.Create, OutlookCreate)
            .Inbound(Person, Operation.Update, OutlookUpdate))
        .Build();
}
