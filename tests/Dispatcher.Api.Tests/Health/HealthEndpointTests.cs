using System.Net;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.FlowRepository;

namespace Dispatcher.Api.Tests.Health;

/// <summary>The probes in the embedded mode, with a broken store, and with a Flow Repository that goes away.</summary>
public sealed class HealthEndpointTests
{
    [Test]
    public async Task The_embedded_mode_is_live_ready_and_passes_the_original_healthcheck()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.CreateClient();

        var (liveStatus, live) = await GetAsync(client, "/health/live");
        var (readyStatus, ready) = await GetAsync(client, "/health/ready");
        var (legacyStatus, legacy) = await GetAsync(client, "/healthcheck");

        liveStatus.Should().Be(HttpStatusCode.OK);
        live["status"]!.GetValue<string>().Should().Be("Healthy");
        readyStatus.Should().Be(HttpStatusCode.OK, ready.ToJsonString());
        ready["status"]!.GetValue<string>().Should().Be("Healthy");
        var components = ready["components"]!.AsObject();
        components.Select(c => c.Key).Should().BeEquivalentTo("store", "broker", "contracts");
        components["store"]!["status"]!.GetValue<string>().Should().Be("Healthy");
        components["broker"]!["status"]!.GetValue<string>().Should().Be("Healthy");
        components["broker"]!["transport"]!.GetValue<string>().Should().Be("in-memory");
        legacyStatus.Should().Be(HttpStatusCode.OK);
        legacy.ToJsonString().Should().MatchRegex("""^\{"status":"pass","version":"[^"]+","details":\{"mongoDB":\{"status":"pass"\},"queue":\{"status":"pass"\}\}\}$""");
    }

    [Test]
    public async Task A_broken_store_makes_ready_and_the_original_healthcheck_fail_while_the_process_stays_live()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        (await GetAsync(client, "/health/ready")).Status.Should().Be(HttpStatusCode.OK);

        // The database file is overwritten with something that is not SQLite (a disk or volume gone bad).
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            File.Delete(factory.DatabasePath + suffix);
        }

        await File.WriteAllTextAsync(factory.DatabasePath, new string('x', 8192));

        var (readyStatus, ready) = await GetAsync(client, "/health/ready");
        var (legacyStatus, legacy) = await GetAsync(client, "/healthcheck");
        var (liveStatus, _) = await GetAsync(client, "/health/live");

        readyStatus.Should().Be(HttpStatusCode.ServiceUnavailable);
        ready["status"]!.GetValue<string>().Should().Be("Unhealthy");
        ready["components"]!["store"]!["status"]!.GetValue<string>().Should().Be("Unhealthy");
        ready["components"]!["store"]!["description"]!.GetValue<string>().Should().StartWith("The store does not answer");
        ready["components"]!["broker"]!["status"]!.GetValue<string>().Should().Be("Healthy");
        legacyStatus.Should().Be(HttpStatusCode.InternalServerError);
        legacy["status"]!.GetValue<string>().Should().Be("fail");
        legacy["details"]!["mongoDB"]!["status"]!.GetValue<string>().Should().Be("fail");
        legacy["details"]!["queue"]!["status"]!.GetValue<string>().Should().Be("pass");
        liveStatus.Should().Be(HttpStatusCode.OK, "liveness does not depend on other systems");
    }

    [Test]
    public async Task A_configured_flow_repository_is_a_readiness_component_that_fails_when_it_does_not_answer()
    {
        await using var fake = await FakeFlowRepository.StartAsync();
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?>
        {
            ["FlowRepository:BaseUrl"] = fake.BaseUrl,
            ["FlowRepository:ServiceToken"] = "service-token",
            ["Health:TimeoutSeconds"] = "1",
        });
        using var client = factory.CreateClient();

        var (healthyStatus, healthy) = await GetAsync(client, "/health/ready");
        await fake.StopListeningAsync();
        var (goneStatus, gone) = await GetAsync(client, "/health/ready");
        await fake.ListenAgainAsync();
        var (backStatus, _) = await GetAsync(client, "/health/ready");
        var (legacyStatus, _) = await GetAsync(client, "/healthcheck");

        healthyStatus.Should().Be(HttpStatusCode.OK, healthy.ToJsonString());
        healthy["components"]!["flowRepository"]!["status"]!.GetValue<string>().Should().Be("Healthy");
        goneStatus.Should().Be(HttpStatusCode.ServiceUnavailable);
        gone["components"]!["flowRepository"]!["status"]!.GetValue<string>().Should().Be("Unhealthy");
        gone["components"]!["flowRepository"]!["description"]!.GetValue<string>().Should().StartWith("The Flow Repository does not answer");
        gone["components"]!["store"]!["status"]!.GetValue<string>().Should().Be("Healthy");
        backStatus.Should().Be(HttpStatusCode.OK);
        legacyStatus.Should().Be(HttpStatusCode.OK, "the original healthcheck covers the store and the queue only");
    }

    /// <summary>
    /// Waits until <c>/health/ready</c> answers 200: with a broker, every receive endpoint is then up with its bindings,
    /// so an event published from now on is not lost for want of a binding.
    /// </summary>
    internal static async Task UntilReadyAsync(HttpClient client)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((await GetAsync(client, "/health/ready")).Status != HttpStatusCode.OK)
        {
            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the service becomes ready");
            await Task.Delay(100);
        }
    }

    internal static async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
