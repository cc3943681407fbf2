using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>Test data for the stores and the assertion that a loaded configuration equals the one saved.</summary>
internal static class StoredConfigurations
{
    public const string CrmOut = "crm-out";
    public const string CrmDelete = "crm-in-delete";

    /// <summary>A creation time with sub-millisecond ticks and a non-UTC offset: stores keep whole milliseconds.</summary>
    public static readonly DateTimeOffset PreciseNow =
        new DateTimeOffset(2026, 11, 26, 14, 0, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567);

    /// <summary>
    /// The three-app example plus an app using every optional field: fields JSON, secret, transformer component and
    /// actions, a DELETE inbound connection, an unprovisioned connection and an inactive inbound side.
    /// </summary>
    public static Configuration Rich(string tenant = "tenant-a")
    {
        var example = ThreeAppExample.Build(tenant);
        var crm = App.Create(
            AppId.New(),
            ApplicationUid.Parse("crm-42"),
            "Everything CRM",
            AppSide.Create(Direction.Outbound, true,
            [
                Connection.Outbound(ConnectionId.New(), SchemaUri.Parse(ThreeAppExample.Person), "getPersons", "toOih", FlowId.Parse(CrmOut)),
                Connection.Outbound(ConnectionId.New(), SchemaUri.Parse("https://example.org/schemas/org"), "getOrgs"),
            ]),
            AppSide.Create(Direction.Inbound, false,
            [
                Connection.Inbound(ConnectionId.New(), SchemaUri.Parse(ThreeAppExample.Person), Operation.Delete, "deletePerson", "fromOih", FlowId.Parse(CrmDelete)),
            ]),
            adapterComponentId: "5d2484d2a422ca001bda5690",
            transformerComponentId: "5d2484d2a422ca001bda5691",
            secretId: "65f00000000000000000abcd",
            fields: AppFields.FromElement(JsonDocument.Parse("""{"baseUrl":"https://crm.example.org","pageSize":50,"big":9007199254740993,"ratio":0.25,"flags":[true,false,null],"nested":{"region":"eu","limits":{"daily":1000}}}""").RootElement));
        return Configuration.Create(
            ConfigurationId.New(), TenantId.Parse(tenant), "Rich configuration", "5d9b", [.. example.Apps, crm], PreciseNow);
    }

    /// <summary>A one-app configuration with the given outbound flow, created at <paramref name="createdAt"/>.</summary>
    public static Configuration Simple(
        string tenant, string outboundFlow, DateTimeOffset? createdAt = null, ConfigurationId? id = null) =>
        Configuration.Create(
            id ?? ConfigurationId.New(),
            TenantId.Parse(tenant),
            $"Configuration {outboundFlow}",
            null,
            [new AppBuilder($"app-{outboundFlow}").Outbound(ThreeAppExample.Person, outboundFlow).Inbound(ThreeAppExample.Person, Operation.Create).Build()],
            createdAt ?? DispatchConfigurationBuilder.Now);

    /// <summary>Asserts that <paramref name="actual"/> holds exactly the state of <paramref name="expected"/>.</summary>
    public static void ShouldHaveStateOf([NotNull] this Configuration? actual, Configuration expected)
    {
        actual.Should().NotBeNull();
        actual!.Should().BeEquivalentTo(
            expected,
            o => o.Excluding(c => c.DomainEvents).Excluding(c => c.CreatedAt).Excluding(c => c.UpdatedAt).WithStrictOrdering());
        actual.CreatedAt.Should().Be(ToWholeMilliseconds(expected.CreatedAt));
        actual.UpdatedAt.Should().Be(ToWholeMilliseconds(expected.UpdatedAt));
    }

    public static DateTimeOffset ToWholeMilliseconds(DateTimeOffset value) =>
        value.AddTicks(-(value.Ticks % TimeSpan.TicksPerMillisecond));
}
