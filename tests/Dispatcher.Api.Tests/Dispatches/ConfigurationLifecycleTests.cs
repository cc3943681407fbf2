using System.Net;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.TestSupport;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Dispatches;

/// <summary>The original service's API scenario, in order, with our own data, against real SQLite and the standalone registry.</summary>
public sealed partial class ConfigurationLifecycleTests
{
    private DispatcherApiFactory _factory = null!;
    private HttpClient _tenantA = null!;
    private HttpClient _tenantB = null!;

    [SetUp]
    public void SetUp()
    {
        _factory = new DispatcherApiFactory();
        _tenantA = _factory.ClientFor("tenant-a");
        _tenantB = _factory.ClientFor("tenant-b");
    }

    [TearDown]
    public void TearDown()
    {
        _tenantA.Dispose();
        _tenantB.Dispose();
        _factory.Dispose();
    }

    [Test]
    public async Task Create_provisions_a_flow_per_connection_of_each_active_side_in_order_and_returns_201()
    {
        var body = Configuration("Persons hub",
            App("snazzy1234", "SnazzyContacts"),
            App("wice5678", "Wice CRM", inbound: [("CREATE", Person), ("UPDATE", Person), ("DELETE", Person)]));

        using var response = await _tenantA.PostAsJsonAsync("/dispatches", body);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var data = (await response.BodyAsync())["data"]!;
        response.Headers.Location!.ToString().Should().EndWith($"/dispatches/{data.Text("id")}");
        response.Headers.ETag!.Tag.Should().Be("\"1\"");
        data.Text("tenant").Should().Be("tenant-a");
        data.Text("name").Should().Be("Persons hub");
        var flowIds = FlowIds(data);
        flowIds.Should().HaveCount(7).And.OnlyHaveUniqueItems().And.OnlyContain(id => id != null && id.Length == 24);
        // Outbound flows are the sources, so they are started; inbound flows start when the first dispatch needs them.
        var apps = data["applications"]!.AsArray();
        foreach (var app in apps)
        {
            foreach (var flow in app!["outbound"]!["flows"]!.AsArray())
            {
                (await StatusAsync(flow!.Text("flowId"))).Should().BeOneOf(FlowStatus.Starting, FlowStatus.Active);
            }

            foreach (var flow in app["inbound"]!["flows"]!.AsArray())
            {
                (await StatusAsync(flow!.Text("flowId"))).Should().Be(FlowStatus.Inactive);
            }
        }
    }

    [Test]
    public async Task Get_returns_the_exact_stored_shape()
    {
        var created = await CreateAsync(Configuration("Exact", App("snazzy1234", "SnazzyContacts", inbound: [("CREATE", Person)])));

        using var response = await _tenantA.GetAsync($"/dispatches/{created.Text("id")}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var normalised = Normalise(await response.Content.ReadAsStringAsync());
        normalised.Should().Be(Normalise($$$"""
            {"meta":{},"data":{"id":"<id>","tenant":"tenant-a","name":"Exact","dataModel":"5d9b",
             "applications":[{"_id":"<id>","applicationName":"SnazzyContacts","applicationUid":"snazzy1234",
               "adapterComponentId":"{{{AdapterComponent}}}","transformerComponentId":"{{{AdapterComponent}}}","secretId":"{{{Secret}}}","fields":{},
               "outbound":{"active":true,"flows":[{"_id":"<id>","schemaUri":"{{{Person}}}","adapterAction":"getPersons","transformerAction":"transformToOih","flowId":"<id>"}]},
               "inbound":{"active":true,"flows":[{"_id":"<id>","operation":"CREATE","schemaUri":"{{{Person}}}","adapterAction":"createContact","transformerAction":"transformFromOih","flowId":"<id>"}]}}],
             "createdAt":"<time>","updatedAt":"<time>","version":1}}
            """));
    }

    [Test]
    public async Task The_original_scenario_create_list_isolate_add_get_remove_replace_delete()
    {
        // 1. create with two apps
        var created = await CreateAsync(Configuration("TestConfig",
            App("snazzy1234", "SnazzyContacts"),
            App("wice5678", "Wice CRM", inbound: [("CREATE", Person), ("UPDATE", Person), ("DELETE", Person)])));
        var id = created.Text("id");
        var originalFlows = FlowIds(created);

        // 2. list
        var list = await (await _tenantA.GetAsync("/dispatches")).BodyAsync();
        list["data"]!.AsArray().Select(c => c!.Text("id")).Should().Equal(id);
        FlowIds(list["data"]![0]!).Should().Equal(originalFlows);

        // 3. another tenant sees nothing
        var other = await (await _tenantB.GetAsync("/dispatches")).BodyAsync();
        other["data"]!.AsArray().Should().BeEmpty();
        other["meta"]!.AsObject().Should().BeEmpty();

        // 4. add an app (a single object) whose inbound side is inactive and has no flows
        var google = App("google1357", "Google Contacts", inboundActive: false, inbound: []);
        using var added = await _tenantA.PutAsJsonAsync($"/dispatches/{id}/app", google);
        added.StatusCode.Should().Be(HttpStatusCode.OK);
        var afterAdd = (await added.BodyAsync())["data"]!;
        afterAdd["applications"]!.AsArray().Should().HaveCount(3);
        FlowIds(afterAdd).Take(7).Should().Equal(originalFlows, "existing flows are kept");
        FlowIds(afterAdd).Should().HaveCount(8).And.OnlyContain(f => f != null);

        // 5. get one and take the new app's id
        var single = (await (await _tenantA.GetAsync($"/dispatches/{id}")).BodyAsync())["data"]!;
        var googleApp = single["applications"]![2]!;
        googleApp.Text("applicationUid").Should().Be("google1357");
        var googleFlow = FlowId.Parse(FlowIds(single)[7]);

        // 6. remove that app: its flow is gone too
        using var removed = await _tenantA.DeleteAsync($"/dispatches/{id}/app/{googleApp.Text("_id")}");
        removed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await removed.BodyAsync())["data"]!["applications"]!.AsArray().Should().HaveCount(2);
        await GoneAsync(googleFlow);

        // 7. replace the whole configuration as the web UI does (the entity it read, edited):
        //    drop Wice's DELETE inbound and Wice's outbound, add a Wice DELETE inbound for organizations.
        var entity = (await (await _tenantA.GetAsync($"/dispatches/{id}")).BodyAsync())["data"]!;
        entity["name"] = "UpdatedConfig";
        var wice = entity["applications"]![1]!;
        var wiceOutboundFlow = wice["outbound"]!["flows"]![0]!.Text("flowId");
        var wiceDeleteFlow = wice["inbound"]!["flows"]![2]!.Text("flowId");
        wice["outbound"]!["flows"] = new JsonArray();
        wice["inbound"]!["flows"]!.AsArray().RemoveAt(2);
        wice["inbound"]!["flows"]!.AsArray().Add(new JsonObject
        {
            ["operation"] = "DELETE", ["schemaUri"] = Organization, ["adapterAction"] = "deleteOrganization",
        });
        using var replaced = await _tenantA.PatchJsonAsync($"/dispatches/{id}", entity);
        replaced.StatusCode.Should().Be(HttpStatusCode.OK);
        var afterReplace = (await replaced.BodyAsync())["data"]!;
        afterReplace.Text("name").Should().Be("UpdatedConfig");
        var flowsNow = FlowIds(afterReplace);
        flowsNow.Should().HaveCount(6).And.OnlyContain(f => f != null);
        flowsNow.Take(5).Should().Equal(originalFlows[0], originalFlows[1], originalFlows[2], originalFlows[4], originalFlows[5]);
        originalFlows.Should().NotContain(flowsNow[5]);
        await GoneAsync(FlowId.Parse(wiceOutboundFlow));
        await GoneAsync(FlowId.Parse(wiceDeleteFlow));

        // 8. delete: the configuration and every flow are gone
        using var deleted = await _tenantA.DeleteAsync($"/dispatches/{id}");
        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await deleted.BodyAsync())["data"]!.Text("message").Should().Be("Deletion successful");
        (await _tenantA.GetAsync($"/dispatches/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        foreach (var flowId in flowsNow)
        {
            await GoneAsync(FlowId.Parse(flowId));
        }

        (await (await _tenantA.GetAsync("/dispatches")).BodyAsync())["data"]!.AsArray().Should().BeEmpty();
    }

    [Test]
    public async Task Put_app_accepts_an_array_of_apps()
    {
        var id = (await CreateAsync(Configuration("Empty"))).Text("id");

        using var response = await _tenantA.PutAsJsonAsync($"/dispatches/{id}/app",
            new JsonArray(App("a1", "A one"), App("a2", "A two", outboundActive: false)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var data = (await response.BodyAsync())["data"]!;
        data["applications"]!.AsArray().Select(a => a!.Text("applicationUid")).Should().Equal("a1", "a2");
        FlowIds(data).Select(f => f is null).Should().Equal(false, false, false, true, false, false);
    }

    [Test]
    public async Task Patching_an_app_side_off_keeps_and_stops_its_flows_and_switching_on_provisions_missing_ones()
    {
        var created = await CreateAsync(Configuration("Toggle", App("a1", "A one", inboundActive: false)));
        var id = created.Text("id");
        var appId = created["applications"]![0]!.Text("_id");
        FlowIds(created).Select(f => f is null).Should().Equal(false, true, true);

        using var on = await _tenantA.PatchJsonAsync($"/dispatches/{id}/app/{appId}", new JsonObject { ["inbound"] = new JsonObject { ["active"] = true } });
        on.StatusCode.Should().Be(HttpStatusCode.OK);
        var afterOn = (await on.BodyAsync())["data"]!;
        afterOn["applications"]![0]!["inbound"]!["active"]!.GetValue<bool>().Should().BeTrue();
        var inboundFlows = FlowIds(afterOn).Skip(1).ToList();
        inboundFlows.Should().OnlyContain(f => f != null);

        await _factory.Flows.StartAsync(FlowId.Parse(inboundFlows[0]!), FlowCallContext.Service, default);
        using var off = await _tenantA.PatchJsonAsync($"/dispatches/{id}/app/{appId}", new JsonObject { ["inbound"] = new JsonObject { ["active"] = false } });
        off.StatusCode.Should().Be(HttpStatusCode.OK);
        var afterOff = (await off.BodyAsync())["data"]!;
        FlowIds(afterOff).Skip(1).Should().Equal(inboundFlows, "a side switched off keeps its flows");
        (await _factory.Flows.GetStatusAsync(FlowId.Parse(inboundFlows[0]!), FlowCallContext.Service, default))
            .Should().BeOneOf(FlowStatus.Stopping, FlowStatus.Inactive);
    }

    [Test]
    public async Task Patching_an_app_name_replaces_its_flows_because_flow_names_carry_it()
    {
        var created = await CreateAsync(Configuration("Rename", App("a1", "A one")));
        var before = FlowIds(created);

        using var response = await _tenantA.PatchJsonAsync(
            $"/dispatches/{created.Text("id")}/app/{created["applications"]![0]!.Text("_id")}",
            new JsonObject { ["applicationName"] = "A renamed" });

        var after = FlowIds((await response.BodyAsync())["data"]!);
        after.Should().HaveCount(3).And.OnlyContain(f => f != null).And.NotIntersectWith(before);
        // The running outbound flow is stopped, then deleted once inactive: after the answer if it takes longer.
        foreach (var flowId in before)
        {
            await GoneAsync(FlowId.Parse(flowId!));
        }
    }

    /// <summary>Waits until the flow is removed: removal may finish after the answer (ADR 0010), within seconds.</summary>
    private Task GoneAsync(FlowId flowId) =>
        Eventually.HoldsAsync(
            async () => await _factory.Flows.GetStatusAsync(flowId, FlowCallContext.Service, default) is null,
            TimeSpan.FromSeconds(10),
            $"flow {flowId} is removed");

    private Task<FlowStatus?> StatusAsync(string flowId) =>
        _factory.Flows.GetStatusAsync(FlowId.Parse(flowId), FlowCallContext.Service, default);

    private async Task<JsonNode> CreateAsync(JsonObject body)
    {
        using var response = await _tenantA.PostAsJsonAsync("/dispatches", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.BodyAsync())["data"]!;
    }

    private static string Normalise(string json)
    {
        var compact = JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        compact = HexId().Replace(compact, "\"<id>\"");
        return Timestamp().Replace(compact, "\"<time>\"");
    }

    [GeneratedRegex("\"[0-9a-f]{24}\"")]
    private static partial Regex HexId();

    [GeneratedRegex("\"\\d{4}-\\d{2}-\\d{2}T[^\"]+\"")]
    private static partial Regex Timestamp();
}
