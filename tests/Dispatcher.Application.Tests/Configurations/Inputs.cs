using System.Text.Json;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Shared;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;

namespace Dispatcher.Application.Tests.Configurations;

/// <summary>
/// Client input as the API receives it: the original README's three apps (SnazzyContacts and Wice CRM both ways,
/// MS Outlook receive-only), valid in every detail, so a test changes exactly the one thing it is about.
/// </summary>
internal static class Inputs
{
    public const string Person = ThreeAppExample.Person;
    public const string AdapterId = "5d2484d2a422ca001bda5690";
    public const string SecretId = "5d2484d2a422ca001bda5691";
    public const string ValidId = "65f0000000000000000000aa";

    public static readonly Caller AnyCaller = new(TenantId.Parse("tenant-a"), FlowCallContext.Service);

    public static ConfigurationInput Body(params AppInput[] apps) => new()
    {
        Name = "Hub and spoke example",
        DataModel = "5d9b3c2e1f0a4b5c6d7e8f90",
        Applications = apps,
    };

    public static ConfigurationInput ThreeApps() => Body(Snazzy(), Wice(), Outlook());

    public static AppInput Snazzy() => App("snazzy1234", "SnazzyContacts");

    public static AppInput Wice() => App("wice5678", "Wice CRM");

    public static AppInput Outlook() => App("outlook9012", "MS Outlook") with
    {
        Outbound = Side(Out()) with { Active = false },
    };

    public static AppInput App(string applicationUid, string applicationName) => new()
    {
        ApplicationUid = applicationUid,
        ApplicationName = applicationName,
        AdapterComponentId = AdapterId,
        SecretId = SecretId,
        Fields = Json("""{"region":"eu"}"""),
        Outbound = Side(Out()),
        Inbound = Side(In("CREATE"), In("UPDATE")),
    };

    public static SideInput Side(params ConnectionInput[] flows) => new() { Active = true, Flows = flows };

    public static ConnectionInput Out(string schemaUri = Person) =>
        new() { SchemaUri = schemaUri, AdapterAction = "getPersons" };

    public static ConnectionInput In(string? operation, string schemaUri = Person) =>
        new() { Operation = operation, SchemaUri = schemaUri, AdapterAction = $"upsert{operation}" };

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
