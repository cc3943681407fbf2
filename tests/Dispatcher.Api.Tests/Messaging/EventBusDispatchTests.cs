using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.RabbitMq;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// The service's main job on the real broker: the three-app example created through the API, record events published
/// in the platform's event-bus format with a plain RabbitMQ.Client producer, exact dispatches asserted on the queues.
/// </summary>
[NonParallelizable]
public sealed class EventBusDispatchTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private TestBroker _broker = null!;
    private DispatcherApiFactory _factory = null!;
    private HttpClient _client = null!;
    private Dictionary<string, string> _flows = null!;

    [SetUp]
    public async Task SetUp()
    {
        _broker = new TestBroker();
        _factory = new DispatcherApiFactory(_broker.Settings);
        _client = _factory.ClientFor("tenant-a");
        _flows = await CreateThreeAppExampleAsync(_client);
        await _broker.WaitForQueueAsync(_broker.ServiceQueue, Wait);
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Test]
    public async Task A_created_record_goes_to_the_create_flows_of_the_other_apps_exactly_once_with_tailored_meta()
    {
        await _broker.PublishEventAsync("data-hub.record.created", $$$"""
            {"meta":{"domainId":"5d9b","schema":"person","recordUid":"abcd","applicationUid":"snazzy1234","flowId":"{{{_flows["snazzy.out"]}}}","oihUid":"65f000000000000000000001"},
             "data":{"firstName":"Jane","lastName":"Doe"}}
            """);

        var wice = await _broker.ExpectAsync(Queue("wice.CREATE"), 1, Wait);
        var outlook = await _broker.ExpectAsync(Queue("outlook.CREATE"), 1, Wait);

        wice.Should().ContainSingle();
        outlook.Should().ContainSingle();
        var body = JsonNode.Parse(Encoding.UTF8.GetString(wice[0].Body.Span))!;
        body["headers"]!["name"]!.GetValue<string>().Should().Be($"dispatch.{_flows["wice.CREATE"]}");
        body["headers"]!["serviceName"]!.GetValue<string>().Should().Be("dispatcher-service");
        body["headers"]!["createdAt"]!.GetValue<long>().Should().BeGreaterThan(0);
        body["payload"]!.ToJsonString().Should().Be($$$"""{"meta":{"domainId":"5d9b","schema":"person","flowId":"{{{_flows["snazzy.out"]}}}","oihUid":"65f000000000000000000001","applicationUid":"wice5678"},"data":{"firstName":"Jane","lastName":"Doe"}}""");
        wice[0].BasicProperties.Persistent.Should().BeTrue();
        wice[0].RoutingKey.Should().Be($"dispatch.{_flows["wice.CREATE"]}");
        JsonNode.Parse(Encoding.UTF8.GetString(outlook[0].Body.Span))!["payload"]!["meta"]!["applicationUid"]!.GetValue<string>().Should().Be("outlook9012");
        await AssertNothingElseAsync();
    }

    [Test]
    public async Task An_updated_record_carries_each_targets_record_uid_from_refs_and_no_refs()
    {
        await _broker.PublishEventAsync("data-hub.record.updated", $$$"""
            {"meta":{"recordUid":"abcd","applicationUid":"snazzy1234","flowId":"{{{_flows["snazzy.out"]}}}","oihUid":"65f000000000000000000002",
              "refs":[{"applicationUid":"snazzy1234","recordUid":"abcd"},{"applicationUid":"wice5678","recordUid":"efgh"}]},
             "data":{"firstName":"Jane"}}
            """);

        var wice = await _broker.ExpectAsync(Queue("wice.UPDATE"), 1, Wait);
        var outlook = await _broker.ExpectAsync(Queue("outlook.UPDATE"), 1, Wait);

        var wiceMeta = JsonNode.Parse(Encoding.UTF8.GetString(wice.Single().Body.Span))!["payload"]!["meta"]!;
        wiceMeta["recordUid"]!.GetValue<string>().Should().Be("efgh");
        wiceMeta["applicationUid"]!.GetValue<string>().Should().Be("wice5678");
        wiceMeta["refs"].Should().BeNull();
        var outlookMeta = JsonNode.Parse(Encoding.UTF8.GetString(outlook.Single().Body.Span))!["payload"]!["meta"]!;
        outlookMeta["recordUid"].Should().BeNull("Outlook has no ref for the record yet");
        await AssertNothingElseAsync();
    }

    [Test]
    public async Task Deletes_route_nowhere_and_the_inactive_source_routes_nowhere()
    {
        await _broker.PublishEventAsync("data-hub.record.deleted", $$$"""{"meta":{"flowId":"{{{_flows["snazzy.out"]}}}"},"data":{}}""");
        await _broker.PublishEventAsync("data-hub.record.created", $$$"""{"meta":{"flowId":"{{{_flows["outlook.out"]}}}"},"data":{}}""");
        // A marker event that does route: once it arrived, the two before it were processed too.
        await _broker.PublishEventAsync("data-hub.record.created", $$$"""{"meta":{"flowId":"{{{_flows["wice.out"]}}}","oihUid":"marker"},"data":{}}""");

        (await _broker.ExpectAsync(Queue("snazzy.CREATE"), 1, Wait)).Should().ContainSingle();
        (await _broker.ExpectAsync(Queue("outlook.CREATE"), 1, Wait)).Should().ContainSingle();
        await AssertNothingElseAsync();
    }

    [Test]
    public async Task A_redelivered_event_produces_the_same_message_ids()
    {
        var payload = $$$"""{"meta":{"flowId":"{{{_flows["snazzy.out"]}}}","oihUid":"65f000000000000000000003"},"data":{"n":1}}""";
        var body = Encoding.UTF8.GetBytes($$$"""{"headers":{"name":"data-hub.record.created","createdAt":1700000000000},"payload":{{{payload}}}}""");

        await _broker.PublishRawAsync("data-hub.record.created", body);
        await _broker.PublishRawAsync("data-hub.record.created", body);

        var copies = await _broker.ExpectAsync(Queue("wice.CREATE"), 2, Wait);
        copies.Should().HaveCount(2);
        copies.Select(c => c.BasicProperties.MessageId).Distinct().Should().ContainSingle("the same event gives the same id");
        var outlook = await _broker.ExpectAsync(Queue("outlook.CREATE"), 2, Wait);
        outlook[0].BasicProperties.MessageId.Should().NotBe(copies[0].BasicProperties.MessageId, "each target has its own id");
    }

    private string Queue(string key) => $"dispatch.{_flows[key]}";

    private async Task AssertNothingElseAsync()
    {
        foreach (var (key, flowId) in _flows.Where(f => !f.Key.EndsWith(".out")))
        {
            (await _broker.CountAsync($"dispatch.{flowId}")).Should().Be(0, "{0} must receive nothing more", key);
        }
    }

    /// <summary>Creates the README's example and returns its flow ids by "app.OPERATION" / "app.out".</summary>
    internal static async Task<Dictionary<string, string>> CreateThreeAppExampleAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/dispatches", Configuration("Hub and spoke",
            App("snazzy1234", "SnazzyContacts"),
            App("wice5678", "Wice CRM"),
            App("outlook9012", "MS Outlook")));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = (await response.BodyAsync())["data"]!;

        // Outlook only receives: its outbound side is switched off after creation, so its flow exists but is inactive.
        using var patched = await client.PatchJsonAsync(
            $"/dispatches/{created.Text("id")}/app/{created["applications"]![2]!.Text("_id")}",
            new JsonObject { ["outbound"] = new JsonObject { ["active"] = false } });
        patched.StatusCode.Should().Be(HttpStatusCode.OK);
        var flows = new Dictionary<string, string>();
        foreach (var node in created["applications"]!.AsArray())
        {
            var app = node!;
            var name = app.Text("applicationUid")[..^4];
            foreach (var flow in app["outbound"]!["flows"]!.AsArray())
            {
                if (flow!["flowId"] is { } id)
                {
                    flows[$"{name}.out"] = id.GetValue<string>();
                }
            }

            foreach (var flow in app["inbound"]!["flows"]!.AsArray())
            {
                var connection = flow!;
                flows[$"{name}.{connection.Text("operation")}"] = connection.Text("flowId");
            }
        }

        return flows;
    }
}
