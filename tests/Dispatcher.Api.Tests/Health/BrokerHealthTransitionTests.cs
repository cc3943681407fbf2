using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.RabbitMq;

namespace Dispatcher.Api.Tests.Health;

/// <summary>
/// Unlike the original, whose queue status never left "pass" once set, readiness and <c>/healthcheck</c> follow the live
/// RabbitMQ connection: the real broker is stopped (<c>build/rabbitmq.sh stop</c>) and started again, and both probes
/// go to failing and back. The broker is started again whatever happens.
/// </summary>
[NonParallelizable]
public sealed class BrokerHealthTransitionTests
{
    // MassTransit notices a lost connection within seconds; it reconnects on a back-off of up to ~26 s.
    private static readonly TimeSpan NoticeWithin = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecoverWithin = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Readiness_and_the_original_healthcheck_fail_while_the_broker_is_down_and_pass_again_after_it_returns()
    {
        await using var broker = new TestBroker();
        using var factory = new DispatcherApiFactory(broker.Settings);
        using var client = factory.CreateClient();
        await broker.WaitForQueueAsync(broker.ServiceQueue, TimeSpan.FromSeconds(15));
        var ready = await UntilAsync(client, healthy: true, TimeSpan.FromSeconds(15));
        ready["components"]!["broker"]!["transport"]!.GetValue<string>().Should().Be("rabbitmq");
        var clock = Stopwatch.StartNew();
        JsonNode down, legacyDown, up, legacyUp;
        try
        {
            await BrokerScript.RunAsync("stop");
            var stopped = clock.Elapsed;
            down = await UntilAsync(client, healthy: false, NoticeWithin);
            await TestContext.Progress.WriteLineAsync($"[health] unready {(clock.Elapsed - stopped).TotalSeconds:F1} s after the broker stopped");
            legacyDown = await LegacyAsync(client, HttpStatusCode.InternalServerError);
        }
        finally
        {
            await BrokerScript.RunAsync("start");
        }

        var started = clock.Elapsed;
        up = await UntilAsync(client, healthy: true, RecoverWithin);
        await TestContext.Progress.WriteLineAsync($"[health] ready again {(clock.Elapsed - started).TotalSeconds:F1} s after the broker started");
        legacyUp = await LegacyAsync(client, HttpStatusCode.OK);

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

/// <summary>Runs <c>build/rabbitmq.sh stop|start</c> from the repository root (the folder above the tests holding Dispatcher.sln).</summary>
internal static class BrokerScript
{
    public static async Task RunAsync(string command)
    {
        var root = RepositoryRoot();
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(root, "build", "rabbitmq.sh"), command },
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not run build/rabbitmq.sh.");
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"build/rabbitmq.sh {command} did not finish within 120 s.");
        }

        var text = string.Concat(await output).Trim();
        await TestContext.Progress.WriteLineAsync($"[health] rabbitmq.sh {command}: exit {process.ExitCode}: {text.ReplaceLineEndings(" | ")}");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"build/rabbitmq.sh {command} failed ({process.ExitCode}): {text}");
        }
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Dispatcher.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Dispatcher.sln above {TestContext.CurrentContext.TestDirectory}.");
    }
}
