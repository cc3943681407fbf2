using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.RabbitMq;

namespace Dispatcher.Api.Tests.Health;

/// <summary>
/// Unlike the original, whose queue status never left "pass" once set, readiness and <c>/healthcheck</c> follow the live
/// RabbitMQ connection: a private broker node (the shared one is never restarted) is stopped and started again, and
/// both probes go to failing and back.
/// </summary>
[NonParallelizable]
public sealed class BrokerHealthTransitionTests
{
    private static readonly TimeSpan NoticeWithin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecoverWithin = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Readiness_and_the_original_healthcheck_fail_while_the_broker_is_down_and_pass_again_after_it_returns()
    {
        if (!PrivateBroker.Available)
        {
            Assert.Ignore("rabbitmq-server is not installed (build/test.sh installs it).");
        }

        await using var broker = await PrivateBroker.StartNewAsync(TimeSpan.FromSeconds(60));
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Messaging:RabbitMqUrl"] = broker.Url });
        using var client = factory.CreateClient();
        var ready = await UntilAsync(client, healthy: true, TimeSpan.FromSeconds(30));
        ready["components"]!["broker"]!["transport"]!.GetValue<string>().Should().Be("rabbitmq");
        var clock = Stopwatch.StartNew();
        await broker.StopAsync();
        var stopped = clock.Elapsed;
        var down = await UntilAsync(client, healthy: false, NoticeWithin);
        await TestContext.Progress.WriteLineAsync($"[health] unready {(clock.Elapsed - stopped).TotalSeconds:F1} s after the broker stopped");
        var legacyDown = await LegacyAsync(client, HttpStatusCode.InternalServerError);

        await broker.StartAsync(TimeSpan.FromSeconds(60));
        var started = clock.Elapsed;
        var up = await UntilAsync(client, healthy: true, RecoverWithin);
        await TestContext.Progress.WriteLineAsync($"[health] ready again {(clock.Elapsed - started).TotalSeconds:F1} s after the broker started");
        var legacyUp = await LegacyAsync(client, HttpStatusCode.OK);

        down["components"]!["broker"]!["status"]!.GetValue<string>().Should().NotBe("Healthy");
        down["components"]!["store"]!["status"]!.GetValue<string>().Should().Be("Healthy");
        legacyDown["status"]!.GetValue<string>().Should().Be("fail");
        legacyDown["details"]!["queue"]!["status"]!.GetValue<string>().Should().Be("fail");
        legacyDown["details"]!["mongoDB"]!["status"]!.GetValue<string>().Should().Be("pass");
        up["components"]!["broker"]!["status"]!.GetValue<string>().Should().Be("Healthy");
        legacyUp["status"]!.GetValue<string>().Should().Be("pass");
    }

    /// <summary>Polls <c>/health/ready</c> until it is (or is no longer) 200, and returns that body.</summary>
    private static async Task<JsonNode> UntilAsync(HttpClient client, bool healthy, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var (status, body) = await HealthEndpointTests.GetAsync(client, "/health/ready");
            if ((status == HttpStatusCode.OK) == healthy)
            {
                return body;
            }

            if (watch.Elapsed > within)
            {
                Assert.Fail($"/health/ready still answered {(int)status} after {within.TotalSeconds} s: {body.ToJsonString()}");
            }

            await Task.Delay(250);
        }
    }

    private static async Task<JsonNode> LegacyAsync(HttpClient client, HttpStatusCode expected)
    {
        var (status, body) = await HealthEndpointTests.GetAsync(client, "/healthcheck");
        status.Should().Be(expected, body.ToJsonString());
        return body;
    }
}
