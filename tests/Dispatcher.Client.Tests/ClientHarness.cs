using Dispatcher.Api.Tests.Support;
using Dispatcher.Client;
using Dispatcher.Client.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Client.Tests;

/// <summary>
/// The real service (embedded defaults: SQLite, standalone flow registry, in-memory bus) and clients registered the way
/// a consumer registers them — <c>AddDispatcherClient</c> — with only the primary handler swapped for the test server's.
/// </summary>
public sealed class ClientHarness : IDisposable
{
    public const string Person = "http://metadata.example.com/api/v1/domains/5d9b/schemas/person";
    public const string AdapterComponent = "5d2484d2a422ca001bda5690";

    private readonly List<ServiceProvider> _providers = [];

    public DispatcherApiFactory Factory { get; } = new();

    /// <summary>A client whose fixed token names <paramref name="tenant"/> (no token when null).</summary>
    public IDispatcherClient ClientFor(string? tenant, IDictionary<string, object>? extraClaims = null) =>
        Client(o => o.Token = tenant is null && extraClaims is null ? null : TestTokens.Create(tenant, extraClaims: extraClaims));

    /// <summary>A client registered with <paramref name="configure"/> on top of the test server's base address.</summary>
    public IDispatcherClient Client(Action<DispatcherClientOptions> configure)
    {
        _ = Factory.Server; // starts the host
        var services = new ServiceCollection();
        services.AddDispatcherClient(o =>
            {
                o.BaseAddress = Factory.Server.BaseAddress;
                configure(o);
            })
            .ConfigurePrimaryHttpMessageHandler(() => Factory.Server.CreateHandler());
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider.GetRequiredService<IDispatcherClient>();
    }

    public void Dispose()
    {
        _providers.ForEach(p => p.Dispose());
        Factory.Dispose();
    }

    /// <summary>An app with one outbound person connection and inbound person connections for <paramref name="inbound"/>.</summary>
    public static DispatchAppInput App(string uid, string name, params string[] inbound) => new()
    {
        ApplicationName = name,
        ApplicationUid = uid,
        AdapterComponentId = AdapterComponent,
        Outbound = new DispatchSideInput
        {
            Active = true,
            Flows = [new DispatchConnectionInput { SchemaUri = Person, AdapterAction = "getPersons" }],
        },
        Inbound = new DispatchSideInput
        {
            Active = true,
            Flows = [.. inbound.Select(op => new DispatchConnectionInput
            {
                Operation = op, SchemaUri = Person, AdapterAction = $"{op.ToLowerInvariant()}Person",
            })],
        },
    };

    /// <summary>Two apps exchanging persons (CREATE and UPDATE inbound on both).</summary>
    public static DispatchConfigurationInput TwoApps(string name = "Persons hub") => new()
    {
        Name = name,
        DataModel = "5d9b",
        Applications = [App("snazzy1234", "SnazzyContacts", "CREATE", "UPDATE"), App("wice5678", "Wice CRM", "CREATE", "UPDATE")],
    };
}
