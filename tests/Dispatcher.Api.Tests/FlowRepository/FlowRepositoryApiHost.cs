using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.FlowRepository;

namespace Dispatcher.Api.Tests.FlowRepository;

/// <summary>
/// The real service with <c>FlowRepository:BaseUrl</c> pointing at a <see cref="FakeFlowRepository"/> (whose flows
/// finish starting and stopping after 50 ms), small timeouts, and a client for one tenant. <see cref="AssertConsistentAsync"/> checks, from the fake's own state, that the stored
/// configurations and the repository's flows agree.
/// </summary>
internal sealed class FlowRepositoryApiHost : IAsyncDisposable
{
    public const string ServiceToken = "dispatcher-service-token";

    private FlowRepositoryApiHost(FakeFlowRepository fake, DispatcherApiFactory factory, HttpClient client)
    {
        Fake = fake;
        Factory = factory;
        Client = client;
    }

    public FakeFlowRepository Fake { get; }

    public DispatcherApiFactory Factory { get; }

    public HttpClient Client { get; }

    /// <summary>The raw bearer token of <see cref="Client"/>.</summary>
    public string CallerToken => Client.DefaultRequestHeaders.Authorization!.Parameter!;

    public static async Task<FlowRepositoryApiHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var fake = await FakeFlowRepository.StartAsync();
        fake.AdminTokens.Add(ServiceToken);
        // As if a component orchestrator reported started/stopped flows quickly.
        fake.TransitionDelay = TimeSpan.FromMilliseconds(50);
        var all = new Dictionary<string, string?>
        {
            ["FlowRepository:BaseUrl"] = fake.BaseUrl,
            ["FlowRepository:ServiceToken"] = ServiceToken,
            ["FlowRepository:TimeoutSeconds"] = "2",
            ["FlowRepository:AttemptTimeoutSeconds"] = "0.4",
            ["FlowRepository:RetryDelaySeconds"] = "0.02",
            ["Provisioning:StopWaitTimeout"] = "00:00:02",
            ["Reconciler:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new DispatcherApiFactory(all);
        return new FlowRepositoryApiHost(fake, factory, factory.ClientFor("tenant-a"));
    }

    /// <summary>Every stored configuration of the client's tenant.</summary>
    public async Task<JsonArray> ConfigurationsAsync()
    {
        using var response = await Client.GetAsync("/dispatches");
        return (await response.BodyAsync())["data"]!.AsArray();
    }

    /// <summary>
    /// No orphan: the fake holds exactly the flows the stored configurations reference, none of them a placeholder,
    /// each owned by the caller's token.
    /// </summary>
    public async Task AssertConsistentAsync()
    {
        var stored = (await ConfigurationsAsync()).SelectMany(configuration => Samples.FlowIds(configuration!)).ToList();
        var flows = Fake.Flows;

        stored.Should().NotContainNulls("every connection of an active side has its flow");
        flows.Select(flow => flow.Id).Should().BeEquivalentTo(stored, "the repository holds exactly the stored flows");
        flows.Where(flow => flow.Nodes.Any(node => node!["id"]!.GetValue<string>() == "empty"))
            .Should().BeEmpty("no placeholder flow is left");
        flows.Where(flow => flow.OwnerToken != CallerToken).Should().BeEmpty("flows are created with the caller's token");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
