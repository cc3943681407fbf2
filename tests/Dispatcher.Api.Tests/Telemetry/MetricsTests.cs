using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dispatcher.Api.Tests.Messaging;
using Dispatcher.Api.Tests.Preview;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.RabbitMq;

namespace Dispatcher.Api.Tests.Telemetry;

/// <summary>The Prometheus scrape endpoint: off by default; when on, the Dispatcher meter's values move as events flow.</summary>
public sealed class MetricsTests
{
    private static readonly Dictionary<string, string?> PrometheusOn = new() { ["Telemetry:Prometheus:Enabled"] = "true" };

    [Test]
    public async Task Metrics_values_change_as_events_flow_through_the_embedded_mode()
    {
        using var factory = new DispatcherApiFactory(PrometheusOn);
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        var before = await ScrapeAsync(client);

        foreach (var (source, operation) in new[] { ("snazzy.out", "CREATE"), ("wice.out", "UPDATE"), ("snazzy.out", "DELETE") })
        {
            using var posted = await client.PostAsJsonAsync("/events", PreviewTests.BusEvent(flows[source], operation));
            posted.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var after = await ScrapeUntilAsync(client, text => Value(text, "dispatcher_events_routed_total") >= Value(before, "dispatcher_events_routed_total") + 2);

        (Value(after, "dispatcher_events_routed_total") - Value(before, "dispatcher_events_routed_total")).Should().Be(2);
        (Value(after, "dispatcher_dispatches_published_total") - Value(before, "dispatcher_dispatches_published_total")).Should().Be(4);
        (Value(after, "dispatcher_events_unrouted_total", "reason=\"NoMatchingTarget\"")
            - Value(before, "dispatcher_events_unrouted_total", "reason=\"NoMatchingTarget\"")).Should().Be(1);
        (Value(after, "dispatcher_routing_duration_milliseconds_count") - Value(before, "dispatcher_routing_duration_milliseconds_count")).Should().Be(3);
        Value(after, "dispatcher_flows_started_total").Should().BeGreaterThan(Value(before, "dispatcher_flows_started_total"), "target flows were started");
        after.Should().Contain("http_server_request_duration_seconds", "ASP.NET Core's metrics are exported");
        after.Should().MatchRegex("dotnet_(gc|process|thread)", ".NET runtime metrics are exported");
    }

    [Test]
    [NonParallelizable]
    public async Task With_a_broker_the_error_queue_depth_is_exported_and_follows_failed_events()
    {
        await using var broker = new TestBroker();
        var settings = new Dictionary<string, string?>(broker.Settings)
        {
            ["Telemetry:Prometheus:Enabled"] = "true",
            ["Health:ErrorQueueProbeInterval"] = "00:00:00.2",
        };
        using var factory = new DispatcherApiFactory(settings);
        using var client = factory.CreateClient();
        await broker.WaitForQueueAsync(broker.ServiceQueue, TimeSpan.FromSeconds(15));
        // Ready means every receive endpoint is up, its bindings included: an event published earlier could be lost.
        await Health.HealthEndpointTests.UntilReadyAsync(client);
        var before = await ScrapeUntilAsync(client, text => text.Contains("dispatcher_error_queue_depth", StringComparison.Ordinal));

        // Not an event at all: it goes to the error queue at once, without retries.
        await broker.PublishRawAsync("data-hub.record.created", "{not json"u8.ToArray());
        var after = await ScrapeUntilAsync(client, text => Value(text, "dispatcher_error_queue_depth") >= 1, TimeSpan.FromSeconds(15));

        var diagnosis = $"error queue holds {await broker.CountAsync($"{broker.ServiceQueue}_error")}, service queue " +
            $"{await broker.CountAsync(broker.ServiceQueue)}; scraped: " +
            string.Join(" | ", after.Split('\n').Where(line => line.StartsWith("dispatcher_e", StringComparison.Ordinal)));
        Value(before, "dispatcher_error_queue_depth", $"queue=\"{broker.ServiceQueue}_error\"").Should().Be(0);
        Value(after, "dispatcher_error_queue_depth", $"queue=\"{broker.ServiceQueue}_error\"").Should().Be(1, diagnosis);
        Value(after, "dispatcher_events_failed_total").Should().Be(1);
    }

    [Test]
    public async Task The_scrape_endpoint_is_off_unless_enabled()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/metrics");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Scrapes until <paramref name="done"/> (the exporter caches a scrape for a few hundred milliseconds).</summary>
    private static async Task<string> ScrapeUntilAsync(HttpClient client, Func<string, bool> done, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var text = await ScrapeAsync(client);
            if (done(text) || watch.Elapsed > (timeout ?? TimeSpan.FromSeconds(5)))
            {
                return text;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The sum of every series of <paramref name="metric"/> whose labels contain <paramref name="label"/> (0 when none).</summary>
    private static double Value(string exposition, string metric, string? label = null) => exposition
        .Split('\n')
        .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
        .Where(line => label is null || line.Contains(label, StringComparison.Ordinal))
        .Sum(SampleValue);

    /// <summary>The value of one sample line, <c>name{labels} value [timestamp]</c>.</summary>
    private static double SampleValue(string line)
    {
        var afterLabels = line.LastIndexOf('}') is var close and >= 0 ? line[(close + 1)..] : line[line.IndexOf(' ', StringComparison.Ordinal)..];
        return double.Parse(afterLabels.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
