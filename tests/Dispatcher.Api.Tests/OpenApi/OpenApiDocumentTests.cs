using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.OpenApi;

/// <summary>The OpenAPI document is generated from the code and tells the truth about it.</summary>
[NonParallelizable]
public sealed class OpenApiDocumentTests
{
    private DispatcherApiFactory _factory = null!;
    private HttpClient _client = null!;
    private OpenApiContract _contract = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _factory = new DispatcherApiFactory();
        _client = _factory.ClientFor("tenant-openapi");
        _contract = await OpenApiContract.LoadAsync(_client);
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Test]
    public void Every_route_with_a_json_body_lists_the_edges_answers()
    {
        var withBody = _contract.Operations().Where(o => o.Operation["requestBody"] is not null).ToList();

        withBody.Select(o => $"{o.Method} {o.Path}").Should().BeEquivalentTo(
            "POST /dispatches", "PATCH /dispatches/{id}", "PUT /dispatches/{id}/app", "PATCH /dispatches/{id}/app/{appId}",
            "POST /dispatches/{id}/preview", "POST /events");
        foreach (var (path, method, operation) in withBody)
        {
            operation["responses"]!.AsObject().Select(r => r.Key).Should().Contain(["400", "401", "403", "413", "415", "422"], "{0} {1}", method, path);
        }
    }

    [Test]
    public void Every_authorized_route_lists_401_and_403_including_events()
    {
        foreach (var (path, method, operation) in _contract.Operations())
        {
            operation["responses"]!.AsObject().Select(r => r.Key).Should().Contain(["401", "403"], "{0} {1}", method, path);
        }
    }

    [TestCase("PATCH", "/dispatches/{id}")]
    [TestCase("DELETE", "/dispatches/{id}")]
    [TestCase("PUT", "/dispatches/{id}/app")]
    [TestCase("PATCH", "/dispatches/{id}/app/{appId}")]
    [TestCase("DELETE", "/dispatches/{id}/app/{appId}")]
    public void Writes_document_if_match_and_412(string method, string path)
    {
        var operation = _contract.Operations().Single(o => o.Method == method && o.Path == path).Operation;

        operation["parameters"]!.AsArray().Should().Contain(p => p!["name"]!.GetValue<string>() == "If-Match" && p["in"]!.GetValue<string>() == "header");
        operation["responses"]!["412"].Should().NotBeNull();
    }

    [TestCase("GET", "/dispatches/{id}", "200")]
    [TestCase("POST", "/dispatches", "201")]
    [TestCase("PATCH", "/dispatches/{id}", "200")]
    [TestCase("PUT", "/dispatches/{id}/app", "200")]
    [TestCase("PATCH", "/dispatches/{id}/app/{appId}", "200")]
    [TestCase("DELETE", "/dispatches/{id}/app/{appId}", "200")]
    public void Answers_carrying_a_configuration_document_the_etag(string method, string path, string status)
    {
        var operation = _contract.Operations().Single(o => o.Method == method && o.Path == path).Operation;

        operation["responses"]![status]!["headers"]!["ETag"].Should().NotBeNull();
    }

    [Test]
    public void Enums_are_named_strings_and_no_schema_forbids_the_extra_fields_the_service_accepts()
    {
        var schemas = _contract.Document["components"]!["schemas"]!.AsObject();

        schemas["RoutingOutcome"]!["type"]!.GetValue<string>().Should().Be("string");
        schemas["RoutingOutcome"]!["enum"]!.AsArray().Select(e => e!.GetValue<string>()).Should().Contain("UnknownSource");
        schemas["DispatchPreview"]!["properties"]!["outcome"]!["enum"]!.AsArray().Should().HaveCount(4);
        schemas.Where(s => s.Value!["additionalProperties"] is JsonValue v && !v.GetValue<bool>()).Select(s => s.Key)
            .Should().BeEmpty();
        schemas.Where(s => s.Value!["enum"] is JsonArray).SelectMany(s => s.Value!["enum"]!.AsArray())
            .Should().AllSatisfy(e => e!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.String));
    }

    [Test]
    public void Input_schemas_state_the_limits_and_required_fields()
    {
        var schemas = _contract.Document["components"]!["schemas"]!;

        schemas["ConfigurationInput"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Contain("name");
        schemas["ConfigurationInput"]!["properties"]!["applications"]!["maxItems"]!.GetValue<int>().Should().Be(Application.Configurations.Validation.InputLimits.MaxApps);
        schemas["SideInput"]!["properties"]!["flows"]!["maxItems"]!.GetValue<int>().Should().Be(Application.Configurations.Validation.InputLimits.MaxConnectionsPerSide);
        schemas["ConnectionInput"]!["properties"]!["schemaUri"]!["maxLength"]!.GetValue<int>().Should().Be(Application.Configurations.Validation.InputLimits.MaxSchemaUriLength);
        schemas["AppInput"]!["properties"]!["applicationUid"]!["maxLength"]!.GetValue<int>().Should().Be(Application.Configurations.Validation.InputLimits.MaxText);
    }

    [Test]
    public async Task Every_request_example_is_accepted_with_the_documented_success_status()
    {
        var examples = _contract.Operations().Where(o => o.Operation["requestBody"]?["content"]?["application/json"]?["example"] is not null).ToList();
        examples.Should().HaveCount(6, "every route with a body has an example");

        foreach (var (path, method, operation) in examples)
        {
            using var created = await _client.PostAsJsonAsync("/dispatches", Configuration("for examples", App("a1", "A one"), App("b1", "B one")));
            var data = (await created.BodyAsync())["data"]!;
            var concrete = path.Replace("{id}", data.Text("id")).Replace("{appId}", data["applications"]![0]!.Text("_id"));
            var example = operation["requestBody"]!["content"]!["application/json"]!["example"]!.ToJsonString();
            var success = operation["responses"]!.AsObject().Select(r => r.Key).Single(k => k.StartsWith('2'));
            _contract.CheckRequestExample(operation).Should().BeEmpty("the example of {0} {1} matches its own schema", method, path);

            using var request = new HttpRequestMessage(new HttpMethod(method), concrete) { Content = new StringContent(example, Encoding.UTF8, "application/json") };
            using var response = await _client.SendAsync(request);

            var body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ToString().Should().Be(success, "{0} {1} with its example answered {2}", method, path, body);
            _contract.Check(method, concrete, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body)
                .Should().BeEmpty();
        }
    }

    [Test]
    public async Task Answers_of_a_functional_round_match_the_documented_schemas()
    {
        var problems = new List<string>();
        async Task<JsonNode?> Call(HttpMethod method, string path, string? json = null, HttpClient? client = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            using var response = await (client ?? _client).SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            problems.AddRange(_contract.Check(method.Method, path, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body));
            return body.Length > 0 && body[0] == '{' ? JsonNode.Parse(body) : null;
        }

        var created = (await Call(HttpMethod.Post, "/dispatches", Configuration("round", App("a1", "A one"), App("b1", "B one")).ToJsonString()))!["data"]!;
        var id = created.Text("id");
        var appId = created["applications"]![0]!.Text("_id");
        var source = created["applications"]![0]!["outbound"]!["flows"]![0]!.Text("flowId");
        await Call(HttpMethod.Get, "/dispatches");
        await Call(HttpMethod.Get, $"/dispatches/{id}");
        await Call(HttpMethod.Get, "/dispatches/not-an-id");
        await Call(HttpMethod.Get, "/dispatches/000000000000000000000000");
        await Call(HttpMethod.Patch, $"/dispatches/{id}/app/{appId}", """{"inbound":{"active":false}}""");
        await Call(HttpMethod.Put, $"/dispatches/{id}/app", App("c1", "C one").ToJsonString());
        var evt = $$"""{"headers":{"name":"data-hub.record.created"},"payload":{"meta":{"flowId":"{{source}}"},"data":{"a":1} } }""";
        await Call(HttpMethod.Post, $"/dispatches/{id}/preview", evt);
        await Call(HttpMethod.Post, $"/dispatches/{id}/preview", """{"flowId":"nope!","operation":"CREATE"}""");
        await Call(HttpMethod.Post, "/events", evt);
        await Call(HttpMethod.Post, "/events", "[]");
        await Call(HttpMethod.Get, "/events/dispatches");
        using (var request = new HttpRequestMessage(HttpMethod.Patch, $"/dispatches/{id}") { Content = JsonContent.Create(Configuration("renamed", App("a1", "A one"))) })
        {
            request.Headers.TryAddWithoutValidation("If-Match", "\"999\"");
            using var stale = await _client.SendAsync(request);
            problems.AddRange(_contract.Check("PATCH", $"/dispatches/{id}", (int)stale.StatusCode, stale.Content.Headers.ContentType?.MediaType, await stale.Content.ReadAsStringAsync()));
            stale.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        }

        await Call(HttpMethod.Delete, $"/dispatches/{id}/app/{appId}");
        await Call(HttpMethod.Delete, $"/dispatches/{id}");
        using var anonymous = _factory.CreateClient();
        await Call(HttpMethod.Get, "/dispatches", client: anonymous);
        using var blank = _factory.ClientFor(" tenant-openapi");
        await Call(HttpMethod.Get, "/dispatches", client: blank);

        problems.Should().BeEmpty();
    }
}
