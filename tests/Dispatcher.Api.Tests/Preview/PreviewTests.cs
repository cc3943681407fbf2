using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Messaging;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Preview;

/// <summary>
/// <c>POST /dispatches/{id}/preview</c>: the dispatches an event would produce, by the same routing code, without side
/// effects, and why nothing would be sent when that is the answer.
/// </summary>
public sealed class PreviewTests
{
    private static readonly string[] Operations = ["CREATE", "UPDATE", "DELETE"];
    private static readonly string[] Sources = ["snazzy.out", "wice.out", "outlook.out"];

    [Test]
    public async Task Preview_answers_equal_real_routing_for_every_source_and_operation_of_the_three_app_example()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        var id = await ConfigurationIdAsync(client);
        var statusesBefore = await FlowStatusesAsync(factory, flows);

        // Every preview first: none of them may send anything or start any flow.
        var previews = new Dictionary<(string Source, string Operation), JsonNode>();
        foreach (var source in Sources)
        {
            foreach (var operation in Operations)
            {
                using var response = await client.PostAsJsonAsync($"/dispatches/{id}/preview", BusEvent(flows[source], operation));
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                previews[(source, operation)] = (await response.BodyAsync())["data"]!;
            }
        }

        (await RecentDispatchesAsync(client)).Should().BeEmpty("a preview publishes nothing");
        // Flows the creation started or stopped go on to Active or Inactive by themselves (the registry's transition
        // delay); what a preview must not do is start one that was inactive.
        var inactiveBefore = statusesBefore.Where(s => s.EndsWith("=Inactive", StringComparison.Ordinal)).ToList();
        inactiveBefore.Should().NotBeEmpty("the example has inbound flows that nothing started yet");
        (await FlowStatusesAsync(factory, flows)).Should().Contain(inactiveBefore, "a preview starts no flow");

        // Then the real thing, event by event: the routing table and the embedded bus must agree with each preview.
        var table = factory.Services.GetRequiredService<RoutingTable>();
        var seen = 0;
        foreach (var ((source, operation), preview) in previews)
        {
            var routed = table.Route(ToRecordEvent(flows[source], operation));
            preview["outcome"]!.GetValue<string>().Should().Be(routed.Outcome.ToString(), "{0} {1}", source, operation);
            preview["dispatches"]!.AsArray().Select(d => d!.Text("flowId"))
                .Should().Equal(routed.Targets.Select(t => t.FlowId.Value), "{0} {1}: the routing table's targets", source, operation);

            using var posted = await client.PostAsJsonAsync("/events", BusEvent(flows[source], operation));
            posted.StatusCode.Should().Be(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
            var all = await RecentDispatchesAsync(client);
            var sent = all.Skip(seen).ToList();
            seen = all.Count;

            var expected = preview["dispatches"]!.AsArray()
                .Select(d => (d!.Text("routingKey"), d!["meta"]!.ToJsonString(), d!["data"]?.ToJsonString()));
            var actual = sent.Select(d => JsonNode.Parse(d.Text("body"))!)
                .Select(body => (body["headers"]!["name"]!.GetValue<string>(), body["payload"]!["meta"]!.ToJsonString(), body["payload"]!["data"]?.ToJsonString()));
            actual.Should().Equal(expected, "{0} {1}: what the bus carried", source, operation);
            sent.Select(d => d.Text("routingKey")).Should().Equal(expected.Select(e => e.Item1));
        }

        previews.Values.Count(p => p["outcome"]!.GetValue<string>() == "Routed").Should().Be(4, "snazzy and wice, CREATE and UPDATE");
    }

    [Test]
    public async Task A_routed_preview_names_each_target_its_flow_routing_key_and_tailored_meta_and_skips_the_source_app()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        var id = await ConfigurationIdAsync(client);

        var preview = await PreviewAsync(client, id, new JsonObject
        {
            ["flowId"] = flows["snazzy.out"],
            ["operation"] = "update",
            ["meta"] = JsonNode.Parse("""{"oihUid":"o-1","recordUid":"s-1","applicationUid":"snazzy1234","refs":[{"applicationUid":"wice5678","recordUid":"w-9"}]}"""),
            ["data"] = JsonNode.Parse("""{"firstName":"Jane"}"""),
        });

        preview["outcome"]!.GetValue<string>().Should().Be("Routed");
        preview["operation"]!.GetValue<string>().Should().Be("UPDATE");
        preview["source"]!["applicationUid"]!.GetValue<string>().Should().Be("snazzy1234");
        var dispatches = preview["dispatches"]!.AsArray();
        dispatches.Select(d => d!.Text("applicationUid")).Should().Equal("wice5678", "outlook9012");
        dispatches[0]!.Text("flowId").Should().Be(flows["wice.UPDATE"]);
        dispatches[0]!.Text("routingKey").Should().Be($"dispatch.{flows["wice.UPDATE"]}");
        dispatches[0]!.Text("applicationName").Should().Be("Wice CRM");
        dispatches[0]!["meta"]!.ToJsonString().Should().Be(
            $$"""{"flowId":"{{flows["snazzy.out"]}}","oihUid":"o-1","applicationUid":"wice5678","recordUid":"w-9"}""");
        dispatches[1]!["meta"]!["recordUid"].Should().BeNull("Outlook has no ref yet");
        dispatches[1]!["data"]!["firstName"]!.GetValue<string>().Should().Be("Jane");
        var skipped = preview["skipped"]!.AsArray().Single()!;
        skipped.Text("reason").Should().Be("SourceApp");
        skipped.Text("flowId").Should().Be(flows["snazzy.UPDATE"]);
        preview["reason"]!.GetValue<string>().Should().Contain("Sent to 2 target flow(s)");
    }

    [Test]
    public async Task The_short_form_and_the_event_bus_form_give_the_same_preview()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        var id = await ConfigurationIdAsync(client);

        var bus = await PreviewAsync(client, id, BusEvent(flows["wice.out"], "CREATE"));
        var shortForm = await PreviewAsync(client, id, new JsonObject
        {
            ["flowId"] = flows["wice.out"],
            ["operation"] = "CREATE",
            ["meta"] = JsonNode.Parse("""{"oihUid":"65f000000000000000000001","refs":[{"applicationUid":"snazzy1234","recordUid":"s-1"}]}"""),
            ["data"] = JsonNode.Parse("""{"firstName":"Jane"}"""),
        });

        shortForm.ToJsonString().Should().Be(bus.ToJsonString());
    }

    [Test]
    public async Task Nothing_sent_is_explained_by_the_most_specific_reason()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        var id = await ConfigurationIdAsync(client);

        var delete = await PreviewAsync(client, id, BusEvent(flows["snazzy.out"], "DELETE"));
        var inactiveSource = await PreviewAsync(client, id, BusEvent(flows["outlook.out"], "CREATE"));
        var unknown = await PreviewAsync(client, id, BusEvent("65f0000000000000000000ff", "CREATE"));
        var inboundFlow = await PreviewAsync(client, id, BusEvent(flows["wice.CREATE"], "CREATE"));

        delete["outcome"]!.GetValue<string>().Should().Be("NoMatchingTarget");
        delete["reason"]!.GetValue<string>().Should().Be(
            $"No other app has an inbound DELETE connection for schema {Person} (other apps accept CREATE, UPDATE for it).");
        delete["dispatches"]!.AsArray().Should().BeEmpty();
        inactiveSource["outcome"]!.GetValue<string>().Should().Be("SourceInactive");
        inactiveSource["reason"]!.GetValue<string>().Should().Contain("outbound side of app 'MS Outlook' (outlook9012) is inactive");
        inactiveSource["skipped"]!.AsArray().Select(s => s!.Text("reason")).Should().BeEquivalentTo("SourceInactive", "SourceInactive", "SourceApp");
        unknown["outcome"]!.GetValue<string>().Should().Be("UnknownSource");
        unknown["source"].Should().BeNull();
        unknown["reason"]!.GetValue<string>().Should().Contain("is not an outbound flow of this configuration");
        inboundFlow["reason"]!.GetValue<string>().Should().Contain("is the inbound CREATE flow of app 'Wice CRM'");

        // Switch off Wice's inbound side: only Outlook is left, Wice is listed as skipped; then Outlook's too.
        var configuration = (await (await client.GetAsync($"/dispatches/{id}")).BodyAsync())["data"]!;
        await PatchAppAsync(client, id, configuration["applications"]![1]!.Text("_id"), inboundActive: false);
        var onlyOutlook = await PreviewAsync(client, id, BusEvent(flows["snazzy.out"], "CREATE"));
        await PatchAppAsync(client, id, configuration["applications"]![2]!.Text("_id"), inboundActive: false);
        var none = await PreviewAsync(client, id, BusEvent(flows["snazzy.out"], "CREATE"));

        onlyOutlook["dispatches"]!.AsArray().Select(d => d!.Text("applicationUid")).Should().Equal("outlook9012");
        onlyOutlook["skipped"]!.AsArray().Should().ContainSingle(s => s!["reason"]!.GetValue<string>() == "InboundInactive"
            && s["applicationUid"]!.GetValue<string>() == "wice5678");
        none["outcome"]!.GetValue<string>().Should().Be("NoMatchingTarget");
        none["reason"]!.GetValue<string>().Should().Be(
            $"No other app has an active inbound CREATE connection for schema {Person}: the inbound side of 'Wice CRM', 'MS Outlook' is inactive.");
    }

    [Test]
    public async Task Preview_is_tenant_scoped_authenticated_and_rejects_malformed_events()
    {
        using var factory = new DispatcherApiFactory();
        using var owner = factory.ClientFor("tenant-a");
        using var other = factory.ClientFor("tenant-b");
        using var anonymous = factory.CreateClient();
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(owner);
        var id = await ConfigurationIdAsync(owner);
        var sample = BusEvent(flows["snazzy.out"], "CREATE");

        using var foreign = await other.PostAsJsonAsync($"/dispatches/{id}/preview", sample);
        using var unauthenticated = await anonymous.PostAsJsonAsync($"/dispatches/{id}/preview", sample);
        using var badOperation = await owner.PostAsJsonAsync($"/dispatches/{id}/preview", new JsonObject { ["flowId"] = flows["snazzy.out"], ["operation"] = "MERGE" });
        using var noFlow = await owner.PostAsJsonAsync($"/dispatches/{id}/preview", new JsonObject { ["operation"] = "CREATE" });
        using var badEventName = await owner.PostAsJsonAsync($"/dispatches/{id}/preview", JsonNode.Parse(
            """{"headers":{"name":"data-hub.record.merged"},"payload":{"meta":{"flowId":"abc"}}}"""));

        foreign.StatusCode.Should().Be(HttpStatusCode.NotFound);
        unauthenticated.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Dispatches.ErrorTests.AssertProblemAsync(badOperation, HttpStatusCode.BadRequest))["detail"]!.GetValue<string>().Should().Contain("'operation'");
        (await Dispatches.ErrorTests.AssertProblemAsync(noFlow, HttpStatusCode.BadRequest))["detail"]!.GetValue<string>().Should().Contain("flowId");
        (await Dispatches.ErrorTests.AssertProblemAsync(badEventName, HttpStatusCode.BadRequest))["detail"]!.GetValue<string>().Should().Contain("data-hub.record.merged");
    }

    [Test]
    public void A_connection_without_a_flow_is_named_as_the_reason()
    {
        // Built directly: the API never stores an active connection without its flow, the reconciler's case.
        var configuration = new Dispatcher.Testing.DispatchConfigurationBuilder()
            .With(new Dispatcher.Testing.AppBuilder("a1", "Source").Outbound(Person, "source-flow"))
            .With(new Dispatcher.Testing.AppBuilder("b2", "Target").Inbound(Person, Operation.Create))
            .Build();

        var preview = Application.Configurations.Preview.DispatchPreviewer.Preview(
            new RoutingTable(), configuration, Dispatcher.Testing.RecordEvents.From("source-flow", Operation.Create));

        preview.Outcome.Should().Be("NoMatchingTarget");
        preview.Reason.Should().Be($"No other app has a provisioned inbound CREATE connection for schema {Person}: 1 active connection(s) have no flow yet (the reconciler creates them).");
        preview.Skipped.Should().ContainSingle().Which.Reason.Should().Be("NotProvisioned");
    }

    internal static JsonObject BusEvent(string flowId, string operation) => new()
    {
        ["headers"] = new JsonObject { ["name"] = EventName(operation) },
        ["payload"] = new JsonObject
        {
            ["meta"] = JsonNode.Parse($$"""{"flowId":"{{flowId}}","oihUid":"65f000000000000000000001","refs":[{"applicationUid":"snazzy1234","recordUid":"s-1"}]}"""),
            ["data"] = JsonNode.Parse("""{"firstName":"Jane"}"""),
        },
    };

    internal static string EventName(string operation) => operation switch
    {
        "CREATE" => "data-hub.record.created",
        "UPDATE" => "data-hub.record.updated",
        _ => "data-hub.record.deleted",
    };

    private static RecordEvent ToRecordEvent(string flowId, string operation) =>
        new(FlowId.Parse(flowId), Enum.Parse<Operation>(operation, ignoreCase: true), RecordMeta.Empty, default);

    private static async Task<JsonNode> PreviewAsync(HttpClient client, string id, JsonNode body)
    {
        using var response = await client.PostAsJsonAsync($"/dispatches/{id}/preview", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.BodyAsync())["data"]!;
    }

    private static async Task PatchAppAsync(HttpClient client, string id, string appId, bool inboundActive)
    {
        using var response = await client.PatchJsonAsync($"/dispatches/{id}/app/{appId}", new JsonObject { ["inbound"] = new JsonObject { ["active"] = inboundActive } });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    internal static async Task<string> ConfigurationIdAsync(HttpClient client) =>
        (await (await client.GetAsync("/dispatches")).BodyAsync())["data"]!.AsArray().Single()!.Text("id");

    private static async Task<List<JsonNode>> RecentDispatchesAsync(HttpClient client) =>
        [.. (await (await client.GetAsync("/events/dispatches")).BodyAsync())["data"]!.AsArray().Select(d => d!)];

    private static async Task<List<string>> FlowStatusesAsync(DispatcherApiFactory factory, Dictionary<string, string> flows)
    {
        var statuses = new List<string>();
        foreach (var flowId in flows.Values.Order(StringComparer.Ordinal))
        {
            statuses.Add($"{flowId}={await factory.Flows.GetStatusAsync(FlowId.Parse(flowId), FlowCallContext.Service, CancellationToken.None)}");
        }

        return statuses;
    }
}
