using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Tests.Support;

/// <summary>Configurations as a store gives them back.</summary>
internal static class StoredConfigurations
{
    /// <summary>A deep copy without pending events, as a fresh read from the store.</summary>
    public static Configuration Copy(Configuration c) => Configuration.Rehydrate(
        c.Id, c.Tenant, c.Name, c.DataModel, c.Apps.Select(Copy), c.CreatedAt, c.UpdatedAt, c.Version);

    private static App Copy(App a) => App.Create(
        a.Id, a.ApplicationUid, a.ApplicationName, Copy(a.Outbound), Copy(a.Inbound),
        a.AdapterComponentId, a.TransformerComponentId, a.SecretId, a.Fields);

    private static AppSide Copy(AppSide s) => AppSide.Create(s.Direction, s.Active, s.Connections.Select(c =>
        Connection.Create(c.Id, c.Direction, c.SchemaUri, c.Operation, c.AdapterAction, c.TransformerAction, c.FlowId)));
}
