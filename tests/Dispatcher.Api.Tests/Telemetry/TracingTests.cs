using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Messaging;
using Dispatcher.Api.Tests.Preview;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Dispatching.DispatchRecordEvent;
using Dispatcher.TestSupport.RabbitMq;

namespace Dispatcher.Api.Tests.Telemetry;

/// <summary>One trace per routed event, from the HTTP request or the broker message to every target, recorded in memory.</summary>
[NonParallelizable]
public sealed class TracingTests
{
    [Test]
    public async Task An_event_posted_over_http_gives_one_trace_http_then_command_then_routing_with_each_target()
    {
        var exporter = new InMemorySpanExporter();
        using var factory = new DispatcherApiFactory(Recorded, exporter.Register);
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);

        using var posted = await client.PostAsJsonAsync("/events", PreviewTests.BusEvent(flows["snazzy.out"], "UPDATE"));
        posted.StatusCode.Should().Be(HttpStatusCode.OK);
        var spans = await exporter.WaitForAsync(
            all => all.Any(s => s.DisplayName == "POST events" || s.DisplayName.StartsWith("POST /events", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(5));

        var route = spans.Single(s => s.OperationName == DispatcherActivities.RouteActivity);
        var command = spans.Single(s => s.SpanId == route.ParentSpanId);
        var http = spans.Single(s => s.SpanId == command.ParentSpanId);
        command.DisplayName.Should().Be("DispatchRecordEvent");
        http.Source.Name.Should().Be("Microsoft.AspNetCore");
        http.ParentSpanId.Should().Be(default(ActivitySpanId), "the HTTP request starts the trace");
        new[] { route.TraceId, command.TraceId }.Should().AllBeEquivalentTo(http.TraceId);
        route.GetTagItem(DispatcherActivities.OutcomeTag).Should().Be("Routed");
        route.GetTagItem(DispatcherActivities.SourceFlowTag).Should().Be(flows["snazzy.out"]);
        route.GetTagItem(DispatcherActivities.OperationTag).Should().Be("UPDATE");
        route.GetTagItem(DispatcherActivities.TargetCountTag).Should().Be(2);
        ((string[])route.GetTagItem(DispatcherActivities.TargetFlowsTag)!).Should().Equal(flows["wice.UPDATE"], flows["outlook.UPDATE"]);
        var targets = route.Events.Where(e => e.Name == DispatcherActivities.TargetEvent).ToList();
        targets.Select(e => e.Tags.Single(t => t.Key == DispatcherActivities.TargetAppTag).Value).Should().Equal("wice5678", "outlook9012");
        targets.Select(e => e.Tags.Single(t => t.Key == DispatcherActivities.TargetRoutingKeyTag).Value)
            .Should().Equal($"dispatch.{flows["wice.UPDATE"]}", $"dispatch.{flows["outlook.UPDATE"]}");
    }

    [Test]
    public async Task An_event_from_the_broker_gives_one_trace_consume_then_command_then_routing_then_a_publish_per_target()
    {
        await using var broker = new TestBroker();
        var exporter = new InMemorySpanExporter();
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?>(broker.Settings) { [SampleRatio] = "1" }, exporter.Register);
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        await broker.WaitForQueueAsync(broker.ServiceQueue, TimeSpan.FromSeconds(15));
        await Health.HealthEndpointTests.UntilReadyAsync(client);

        await broker.PublishEventAsync("data-hub.record.created", $$$"""{"meta":{"flowId":"{{{flows["snazzy.out"]}}}","oihUid":"trace-1"},"data":{}}""");
        (await broker.ExpectAsync($"dispatch.{flows["wice.CREATE"]}", 1, TimeSpan.FromSeconds(15))).Should().ContainSingle();
        (await broker.ExpectAsync($"dispatch.{flows["outlook.CREATE"]}", 1, TimeSpan.FromSeconds(15))).Should().ContainSingle();
        var spans = await exporter.WaitForAsync(
            all => all.Any(s => s.OperationName == DispatcherActivities.RouteActivity)
                   && all.Count(s => s.Source.Name.StartsWith("RabbitMQ.Client.Publisher", StringComparison.Ordinal)) >= 2,
            TimeSpan.FromSeconds(5));

        var route = spans.Single(s => s.OperationName == DispatcherActivities.RouteActivity);
        var trace = spans.Where(s => s.TraceId == route.TraceId).ToList();
        var ancestors = Ancestors(route, trace).ToList();
        ancestors.Select(s => s.DisplayName).Should().Contain("DispatchRecordEvent");
        ancestors.Should().Contain(s => s.Source.Name == TelemetryExtensionsNames.MassTransit && s.Kind == ActivityKind.Consumer,
            "MassTransit's consume span is where the event enters: {0}", string.Join(" < ", ancestors.Select(Describe)));
        var publishes = trace.Where(s => s.Kind == ActivityKind.Producer && Ancestors(s, trace).Contains(route)).ToList();
        publishes.Select(s => s.GetTagItem("messaging.destination.name") ?? s.GetTagItem("messaging.rabbitmq.destination.routing_key") ?? s.DisplayName)
            .Select(v => v?.ToString()).Should().HaveCountGreaterThanOrEqualTo(2, "a publish span per target: {0}", string.Join("; ", trace.Select(Describe)));
        route.Events.Count(e => e.Name == DispatcherActivities.TargetEvent).Should().Be(2);
    }

    [Test]
    public async Task Without_an_exporter_and_a_sample_ratio_no_span_is_recorded()
    {
        var exporter = new InMemorySpanExporter();
        using var factory = new DispatcherApiFactory(services: exporter.Register);
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);

        using var posted = await client.PostAsJsonAsync("/events", PreviewTests.BusEvent(flows["snazzy.out"], "UPDATE"));

        posted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await posted.BodyAsync())["data"]!["dispatched"]!.GetValue<int>().Should().Be(2, "the event is routed as always");
        exporter.Spans.Should().BeEmpty("spans that no exporter sends are not recorded (the processor sees only recorded ones)");
    }

    private const string SampleRatio = "Telemetry:Tracing:SampleRatio";

    /// <summary>Every new trace recorded (without an OTLP endpoint the default is none).</summary>
    private static Dictionary<string, string?> Recorded => new() { [SampleRatio] = "1" };

    private static IEnumerable<Activity> Ancestors(Activity span, IReadOnlyList<Activity> trace)
    {
        var current = span;
        while (trace.FirstOrDefault(s => s.SpanId == current.ParentSpanId) is { } parent)
        {
            yield return parent;
            current = parent;
        }
    }

    private static string Describe(Activity s) =>
        $"{s.Source.Name}/{s.DisplayName}/{s.Kind} [{string.Join(",", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))}]";
}

internal static class TelemetryExtensionsNames
{
    public const string MassTransit = Dispatcher.Api.Telemetry.TelemetryExtensions.MassTransitSource;
}
