using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Ports;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Hostile;

/// <summary>
/// Whatever a write accepts, every read renders: the limit cases are written and read back through every read route
/// (list, one, preview, events and their dispatches). One step past each limit is refused and stores nothing.
/// </summary>
[NonParallelizable]
public sealed class LimitRoundTripTests
{
    private DispatcherApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void OneTimeSetUp()
    {
        // Flows switch state at once: removing hundreds of started flows would otherwise wait on each transition.
        _factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["FlowRegistry:Standalone:TransitionDelay"] = "00:00:00" });
        _client = _factory.ClientFor("tenant-limits");
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    /// <summary>Fields at the depth limit, near the size limit, with the longest keys and awkward text.</summary>
    private static JsonObject LimitFields()
    {
        JsonNode deep = new JsonArray();
        for (var level = 2; level < InputLimits.MaxFieldsDepth; level++)
        {
            deep = new JsonArray(deep);
        }

        var fields = new JsonObject
        {
            ["deep"] = deep,
            [new string('k', InputLimits.MaxJsonPropertyNameLength)] = "longest key",
            ["awkward"] = "\u0000\u0001\u001f \"quoted\" \\ </script> \u2028\u2029 😀 \ud83d\ude00 é \uffff",
            ["numbers"] = new JsonArray(0, -1, 1.5e300, long.MaxValue, decimal.MaxValue),
        };
        var filler = InputLimits.MaxFieldsBytes - Encoding.UTF8.GetByteCount(fields.ToJsonString()) - 64;
        fields["filler"] = new string('f', filler);
        return fields;
    }

    private static JsonObject LimitApp(int index)
    {
        var app = App($"uid-{index}", $"App {index}",
            outbound: [Person],
            inbound: [("CREATE", Person), ("UPDATE", Person), ("DELETE", Person), ("CREATE", Organization)]);
        app["fields"] = index == 0 ? LimitFields() : new JsonObject { ["i"] = index };
        return app;
    }

    [Test]
    public async Task A_configuration_at_every_limit_is_stored_and_read_back_by_every_read_route()
    {
        var body = Configuration(new string('n', InputLimits.MaxText), Enumerable.Range(0, InputLimits.MaxApps).Select(LimitApp).ToArray());
        var connections = body["applications"]!.AsArray().Sum(a => a!["outbound"]!["flows"]!.AsArray().Count + a["inbound"]!["flows"]!.AsArray().Count);
        connections.Should().Be(InputLimits.DefaultMaxConnectionsPerConfiguration);

        using var created = await _client.PostAsJsonAsync("/dispatches", body);
        var createdText = await created.Content.ReadAsStringAsync();
        created.StatusCode.Should().Be(HttpStatusCode.Created, createdText[..Math.Min(500, createdText.Length)]);
        var data = JsonNode.Parse(createdText)!["data"]!;
        var id = data.Text("id");
        var source = data["applications"]![0]!["outbound"]!["flows"]![0]!.Text("flowId");

        using var list = await _client.GetAsync("/dispatches");
        list.StatusCode.Should().Be(HttpStatusCode.OK);
        using var one = await _client.GetAsync($"/dispatches/{id}");
        one.StatusCode.Should().Be(HttpStatusCode.OK);
        var stored = (await one.BodyAsync())["data"]!;
        JsonNode.DeepEquals(stored["applications"]![0]!["fields"], LimitFields()).Should().BeTrue("fields come back exactly");

        // Event data as deep as the JSON limit allows: root, payload, data and 29 arrays.
        var deepData = new string('[', InputLimits.MaxJsonDepth - 3) + new string(']', InputLimits.MaxJsonDepth - 3);
        var eventText = $$"""{"headers":{"name":"data-hub.record.created"},"payload":{"meta":{"flowId":"{{source}}","oihUid":"x"},"data":{"d":{{deepData}} } } }""";
        using var preview = await _client.PostRawAsync($"/dispatches/{id}/preview", eventText);
        preview.StatusCode.Should().Be(HttpStatusCode.OK);
        (await preview.BodyAsync())["data"]!["dispatches"]!.AsArray().Should().HaveCount(InputLimits.MaxApps - 1);
        using var posted = await _client.PostRawAsync("/events", eventText);
        posted.StatusCode.Should().Be(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        (await posted.BodyAsync())["data"]!["dispatched"]!.GetValue<int>().Should().Be(InputLimits.MaxApps - 1);
        using var dispatches = await _client.GetAsync("/events/dispatches");
        dispatches.StatusCode.Should().Be(HttpStatusCode.OK);
        (await dispatches.BodyAsync())["data"]!.AsArray().Should().HaveCount(InputLimits.MaxApps - 1);

        // One more app or connection is refused, and the stored configuration is untouched.
        var before = await one.Content.ReadAsStringAsync();
        using var added = await _client.PutAsJsonAsync($"/dispatches/{id}/app", App("one-more", "One more", outbound: [], inbound: []));
        added.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await added.BodyAsync())["rule"]!.GetValue<string>().Should().Be(InputLimits.Names.Apps);
        var appId = stored["applications"]![1]!.Text("_id");
        using var widened = await _client.PatchJsonAsync($"/dispatches/{id}/app/{appId}",
            new JsonObject { ["outbound"] = new JsonObject { ["flows"] = new JsonArray(new JsonObject { ["schemaUri"] = Person }, new JsonObject { ["schemaUri"] = Organization }) } });
        widened.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await widened.BodyAsync())["rule"]!.GetValue<string>().Should().Be(InputLimits.Names.ConnectionsPerConfiguration);
        (await (await _client.GetAsync($"/dispatches/{id}")).Content.ReadAsStringAsync()).Should().Be(before);

        (await _client.DeleteAsync($"/dispatches/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task A_side_at_the_connection_limit_round_trips_and_one_more_is_refused()
    {
        JsonObject Side(int count) => new()
        {
            ["active"] = true,
            ["flows"] = new JsonArray(Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject
            {
                ["operation"] = "CREATE", ["schemaUri"] = $"{Person}-{i}", ["adapterAction"] = "a",
            }).ToArray()),
        };
        var app = App("wide", "Wide", outbound: []);
        app["inbound"] = Side(InputLimits.MaxConnectionsPerSide);

        using var created = await _client.PostAsJsonAsync("/dispatches", Configuration("wide", (JsonObject)app.DeepClone()));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await created.BodyAsync())["data"]!.Text("id");
        (await _client.GetAsync("/dispatches")).StatusCode.Should().Be(HttpStatusCode.OK);

        app["inbound"] = Side(InputLimits.MaxConnectionsPerSide + 1);
        using var refused = await _client.PatchJsonAsync($"/dispatches/{id}", Configuration("wide", app));
        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await refused.BodyAsync())["rule"]!.GetValue<string>().Should().Be(InputLimits.Names.ConnectionsPerSide);
        (await _client.DeleteAsync($"/dispatches/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase(InputLimits.MaxFieldsDepth + 1, InputLimits.Names.FieldsDepth)]
    [TestCase(27, InputLimits.Names.FieldsDepth)]
    [TestCase(28, InputLimits.Names.FieldsDepth)]
    [TestCase(40, InputLimits.Names.JsonDepth)]
    public async Task Fields_past_the_depth_limit_are_refused_on_every_write_route_and_nothing_is_stored(int depth, string limit)
    {
        using var seed = await _client.PostAsJsonAsync("/dispatches", Configuration("seed", App("s", "S")));
        var seeded = (await seed.BodyAsync())["data"]!;
        var id = seeded.Text("id");
        var appId = seeded["applications"]![0]!.Text("_id");
        var before = await (await _client.GetAsync("/dispatches")).Content.ReadAsStringAsync();
        var fields = "{\"d\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";
        var app = $$"""{"applicationName":"A","applicationUid":"deep","fields":{{fields}} }""";

        foreach (var (method, path, body) in new[]
        {
            ("POST", "/dispatches", $$"""{"name":"n","applications":[{{app}}]}"""),
            ("PATCH", $"/dispatches/{id}", $$"""{"name":"n","applications":[{{app}}]}"""),
            ("PUT", $"/dispatches/{id}/app", app),
            ("PATCH", $"/dispatches/{id}/app/{appId}", $$"""{"fields":{{fields}} }"""),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await _client.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "{0} {1}", method, path);
            (await response.BodyAsync())["rule"]!.GetValue<string>().Should().Be(limit);
        }

        using var after = await _client.GetAsync("/dispatches");
        after.StatusCode.Should().Be(HttpStatusCode.OK);
        (await after.Content.ReadAsStringAsync()).Should().Be(before);
        (await _client.DeleteAsync($"/dispatches/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
