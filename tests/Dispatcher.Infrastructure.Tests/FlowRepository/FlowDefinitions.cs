using System.Text.Json;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Infrastructure.Tests.FlowRepository;

/// <summary>Flow definitions as the executor passes them: one connection of one app.</summary>
internal static class FlowDefinitions
{
    public const string Person = "http://metadata.example.com/api/v1/domains/5d9b/schemas/person";
    public const string AdapterComponent = "5e0123456789abcdef012345";
    public const string Secret = "5e9f6c7a8b9c0d1e2f3a4b5c";
    public const string SdfComponent = "5d2484d2a422ca001bda5690";
    public const string PlaceholderComponent = "5f895922926f72cf78353272";

    public static FlowDefinition Outbound(
        string? secretId = Secret, string? fields = null, string adapterComponentId = AdapterComponent, string appName = "SnazzyContacts")
    {
        var connection = Connection.Outbound(ConnectionId.New(), SchemaUri.Parse(Person), "getPersons", "transformToOih");
        return Definition(App(appName, secretId, fields, adapterComponentId, outbound: [connection], inbound: []), connection);
    }

    public static FlowDefinition Inbound(
        Operation operation = Operation.Create, string? secretId = Secret, string? fields = null, string appName = "Wice CRM")
    {
        var connection = Connection.Inbound(ConnectionId.New(), SchemaUri.Parse(Person), operation, "createContact", "transformFromOih");
        return Definition(App(appName, secretId, fields, AdapterComponent, outbound: [], inbound: [connection]), connection);
    }

    private static App App(
        string name, string? secretId, string? fields, string adapterComponentId, Connection[] outbound, Connection[] inbound) =>
        Domain.Configurations.App.Create(
            AppId.New(),
            ApplicationUid.Parse(name == "SnazzyContacts" ? "snazzy1234" : "wice5678"),
            name,
            AppSide.Create(Direction.Outbound, true, outbound),
            AppSide.Create(Direction.Inbound, true, inbound),
            adapterComponentId: adapterComponentId,
            transformerComponentId: adapterComponentId,
            secretId: secretId,
            fields: fields is null ? null : AppFields.FromElement(JsonDocument.Parse(fields).RootElement));

    private static FlowDefinition Definition(App app, Connection connection) =>
        new(ConfigurationId.New(), TenantId.Parse("tenant-a"), app, connection);
}
