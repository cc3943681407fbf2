using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Routing;
using Dispatcher.Contracts;
using Dispatcher.Domain.Routing;
using Dispatcher.Infrastructure.Messaging.Contracts;
using Dispatcher.TestSupport;
using Dispatcher.TestSupport.RabbitMq;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// Two service instances share one store and one broker (competing consumers on the service queue). A change made
/// through either is known to the other's routing within one second, and events are dispatched correctly whichever
/// instance consumes them.
/// </summary>
[NonParallelizable]
public sealed class MultiInstanceRoutingTests
{
    private static readonly TimeSpan Visible = TimeSpan.FromSeconds(1);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dispatcher-api-tests", Guid.NewGuid().ToString("N"));
    private TestBroker _broker = null!;
    private MessagingScenario _a = null!;
    private MessagingScenario _b = null!;

    [SetUp]
    public async Task SetUp()
    {
        Directory.CreateDirectory(_directory);
        var database = Path.Combine(_directory, "shared.db");
        var shared = new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = database,
            ["FlowRegistry:Standalone:Path"] = database,
        };
        _broker = new TestBroker();
        _a = await MessagingScenario.StartAsync(shared, _broker);
        _b = await MessagingScenario.StartAsync(shared, _broker);
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        await _broker.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A late file handle; the temp folder is cleaned by the OS.
        }
    }

    [Test]
    public async Task Changes_through_either_instance_reach_the_others_routing_within_a_second_and_events_route_right_on_both()
    {
        using var metricsA = MetricsRecorder.For(_a);
        using var metricsB = MetricsRecorder.For(_b);
        var routingA = _a.Factory.Services.GetRequiredService<RoutingTable>();
        var routingB = _b.Factory.Services.GetRequiredService<RoutingTable>();

        // Created (and Outlook's outbound side switched off) through A.
        var flows = await _a.CreateThreeAppExampleAsync();
        var watch = Stopwatch.StartNew();
        var seen = await Eventually.HoldsAsync(
            () => Targets(routingB, flows["snazzy.out"]).SetEquals([flows["wice.CREATE"], flows["outlook.CREATE"]])
                && routingB.Route(Probe(flows["outlook.out"])).Outcome == RoutingOutcome.SourceInactive,
            MessagingScenario.Wait, "B's routing knows the configuration made through A");
        await TestContext.Out.WriteLineAsync($"B knew A's change {seen.TotalMilliseconds:F0} ms after the API call returned");
        watch.Elapsed.Should().BeLessThan(Visible);

        var first = Enumerable.Range(0, 30).Select(i => $"f{i:00}").ToList();
        foreach (var uid in first)
        {
            await _broker.PublishEventAsync("data-hub.record.created", Payload(flows["snazzy.out"], uid));
        }

        var wice = await _broker.ExpectAsync($"dispatch.{flows["wice.CREATE"]}", first.Count, MessagingScenario.Wait);
        var outlook = await _broker.ExpectAsync($"dispatch.{flows["outlook.CREATE"]}", first.Count, MessagingScenario.Wait);
        wice.Select(m => m.OihUid()).Should().BeEquivalentTo(first);
        outlook.Select(m => m.OihUid()).Should().BeEquivalentTo(first);
        var receivedA = metricsA.Sum("dispatcher.events.received");
        var receivedB = metricsB.Sum("dispatcher.events.received");
        (receivedA + receivedB).Should().Be(first.Count, "each event consumed once, by one of the two");
        await TestContext.Out.WriteLineAsync($"first batch: A consumed {receivedA}, B consumed {receivedB}");

        // Wice's inbound side switched off through B.
        using var clientB = _b.Client();
        var configuration = (await (await clientB.GetAsync("/dispatches")).BodyAsync())["data"]!.AsArray().Single()!;
        var wiceApp = configuration["applications"]!.AsArray().Single(a => a!.Text("applicationUid") == "wice5678")!;
        using var patched = await clientB.PatchJsonAsync(
            $"/dispatches/{configuration.Text("id")}/app/{wiceApp.Text("_id")}", new JsonObject { ["inbound"] = new JsonObject { ["active"] = false } });
        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        watch.Restart();
        seen = await Eventually.HoldsAsync(() => Targets(routingA, flows["snazzy.out"]).SetEquals([flows["outlook.CREATE"]]),
            MessagingScenario.Wait, "A's routing knows the change made through B");
        await TestContext.Out.WriteLineAsync($"A knew B's change {seen.TotalMilliseconds:F0} ms after the API call returned");
        watch.Elapsed.Should().BeLessThan(Visible);
        Targets(routingB, flows["snazzy.out"]).Should().BeEquivalentTo([flows["outlook.CREATE"]]);

        var second = Enumerable.Range(0, 30).Select(i => $"s{i:00}").ToList();
        foreach (var uid in second)
        {
            await _broker.PublishEventAsync("data-hub.record.created", Payload(flows["snazzy.out"], uid));
        }

        outlook = await _broker.ExpectAsync($"dispatch.{flows["outlook.CREATE"]}", second.Count, MessagingScenario.Wait);
        outlook.Select(m => m.OihUid()).Should().BeEquivalentTo(second);
        (await _broker.CountAsync($"dispatch.{flows["wice.CREATE"]}")).Should().Be(0, "neither instance routes to Wice any more");
        (metricsA.Sum("dispatcher.events.received") + metricsB.Sum("dispatcher.events.received")).Should().Be(first.Count + second.Count);
        await TestContext.Out.WriteLineAsync(
            $"in all: A consumed {metricsA.Sum("dispatcher.events.received")}, B consumed {metricsB.Sum("dispatcher.events.received")}");
        (await _broker.CountAsync($"{_broker.ServiceQueue}_error")).Should().Be(0);
    }

    private static HashSet<string> Targets(RoutingTable table, string sourceFlowId) =>
        table.Route(Probe(sourceFlowId)).Targets.Select(t => t.FlowId.Value).ToHashSet();

    private static RecordEvent Probe(string sourceFlowId) => RecordChangedConsumer.ToRecordEvent(new RecordChanged
    {
        EventId = Guid.NewGuid(), FlowId = sourceFlowId, Operation = RecordOperation.Create, Data = JsonSerializer.SerializeToElement(new { }),
    });

    private static string Payload(string sourceFlowId, string oihUid) =>
        $$$"""{"meta":{"flowId":"{{{sourceFlowId}}}","oihUid":"{{{oihUid}}}"},"data":{"n":"{{{oihUid}}}"}}""";
}
