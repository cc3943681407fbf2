using System.Diagnostics;
using System.Net;
using Dispatcher.Api.Health;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.RabbitMq;

namespace Dispatcher.Api.Tests.Health;

/// <summary>
/// Readiness follows the event path within seconds of a broker restart: the receive endpoints' reconnect back-off is
/// bounded (MassTransit's own grows to 30 s), and the <c>RecordChanged</c> contract endpoint is reported on its own
/// (<c>contracts</c>) without holding readiness back. Runs on a private RabbitMQ node (the shared one is never
/// restarted), through the running host.
/// </summary>
[NonParallelizable]
public sealed class ReadinessRecoveryTests
{
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(60);

    [Test]
    public async Task After_the_broker_returns_readiness_is_200_within_5_seconds_and_the_contract_endpoint_is_reported_separately()
    {
        if (!PrivateBroker.Available)
        {
            Assert.Ignore("rabbitmq-server is not installed (build/test.sh installs it).");
        }

        await using var broker = await PrivateBroker.StartNewAsync(Boot);
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Messaging:RabbitMqUrl"] = broker.Url });
        using var client = factory.CreateClient();
        var before = await UntilAsync(client, b => b.Status == HttpStatusCode.OK && Component(b, "contracts") == "Healthy", TimeSpan.FromSeconds(30));

        await broker.StopAsync();
        var down = await UntilAsync(client, b => b.Status == HttpStatusCode.ServiceUnavailable && Component(b, "contracts") == "Degraded", TimeSpan.FromSeconds(30));
        // Both endpoints fail their reconnect attempts while the node boots again (several seconds).
        await broker.StartAsync(Boot);
        var back = Stopwatch.StartNew();
        var ready = await UntilAsync(client, b => b.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(40));
        var readyAfter = back.Elapsed;
        await UntilAsync(client, b => Component(b, "contracts") == "Healthy", TimeSpan.FromSeconds(40));
        var contractsAfter = back.Elapsed;
        await TestContext.Progress.WriteLineAsync(
            $"[readiness] ready {readyAfter.TotalSeconds:F1} s, contract endpoint {contractsAfter.TotalSeconds:F1} s after the broker accepted connections again");

        Component(before, "broker").Should().Be("Healthy");
        Component(down, "broker").Should().Be("Unhealthy");
        Component(down, "store").Should().Be("Healthy");
        Component(ready, "broker").Should().Be("Healthy");
        readyAfter.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(5), "the event-bus endpoint reconnects within the bounded back-off");
        contractsAfter.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(10), "the contract endpoint's back-off is bounded too");
    }

    private static string? Component((HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Body) answer, string name) =>
        answer.Body["components"]?[name]?["status"]?.GetValue<string>();

    private static async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Body)> UntilAsync(
        HttpClient client, Func<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Body), bool> condition, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var answer = await HealthEndpointTests.GetAsync(client, HealthEndpoints.ReadyPath);
            if (condition(answer))
            {
                return answer;
            }

            if (watch.Elapsed > within)
            {
                Assert.Fail($"/health/ready not as expected within {within.TotalSeconds} s: {(int)answer.Status} {answer.Body.ToJsonString()}");
            }

            await Task.Delay(100);
        }
    }
}
