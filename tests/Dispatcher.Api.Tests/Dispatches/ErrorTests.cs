using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Dispatches;

/// <summary>Bad input gets a precise 4xx problem body and never a 500.</summary>
public sealed class ErrorTests
{
    private DispatcherApiFactory _factory = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void SetUp()
    {
        _factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Api:MaxRequestBodyBytes"] = "4096" });
        _client = _factory.ClientFor("tenant-a");
    }

    [TearDown]
    public void TearDown()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Test]
    public async Task Malformed_json_is_400_naming_where_it_broke()
    {
        using var response = await _client.PostRawAsync("/dispatches", """{"name": "x", "applications": [ { "applicationUid": """);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        problem["errors"]![0]!["code"]!.GetValue<int>().Should().Be(400);
        problem["errors"]![0]!["field"]!.GetValue<string>().Should().StartWith("applications[0]");
    }

    [Test]
    public async Task A_wrong_type_is_400_with_the_json_path_of_the_field()
    {
        var body = Configuration("x", App("a", "A"));
        body["applications"]![0]!["inbound"]!["active"] = "yes";

        using var response = await _client.PostAsJsonAsync("/dispatches", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        problem["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Should().Contain("applications[0].inbound.active");
    }

    [Test]
    public async Task Every_invalid_field_is_reported_with_its_path_in_one_answer()
    {
        var body = Configuration("", App("a", "A", inbound: [("MERGE", Person), ("CREATE", "not-a-uri")]));
        body["applications"]![0]!["outbound"]!["flows"]![0]!["operation"] = "CREATE";
        body["applications"]![0]!["secretId"] = "not-an-object-id";

        using var response = await _client.PostAsJsonAsync("/dispatches", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        problem["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Should().BeEquivalentTo(
            "name",
            "applications[0].secretId",
            "applications[0].outbound.flows[0].operation",
            "applications[0].inbound.flows[0].operation",
            "applications[0].inbound.flows[1].schemaUri");
        problem["detail"]!.GetValue<string>().Should().Contain("'operation' must be one of CREATE, UPDATE, DELETE, got 'MERGE'");
        (await (await _client.GetAsync("/dispatches")).BodyAsync())["data"]!.AsArray().Should().BeEmpty("nothing is saved");
    }

    [Test]
    public async Task A_missing_body_is_400()
    {
        using var response = await _client.PostAsync("/dispatches", new StringContent("", System.Text.Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [TestCase("GET", "/dispatches/not-an-id")]
    [TestCase("PATCH", "/dispatches/not-an-id")]
    [TestCase("DELETE", "/dispatches/not-an-id")]
    [TestCase("PUT", "/dispatches/not-an-id/app")]
    [TestCase("DELETE", "/dispatches/65f0c1aa0000000000000001/app/nope")]
    public async Task An_invalid_id_is_400(string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "PATCH" or "PUT")
        {
            request.Content = JsonContent.Create(method == "PUT" ? App("a", "A") : Configuration("x"));
        }

        using var response = await _client.SendAsync(request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        problem["detail"]!.GetValue<string>().Should().Contain("must be 24 hexadecimal digits");
    }

    [Test]
    public async Task An_unknown_id_is_404()
    {
        using var response = await _client.GetAsync("/dispatches/65f0c1aa0000000000000001");

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound);
        problem["errors"]![0]!["message"]!.GetValue<string>().Should().Be("Configuration '65f0c1aa0000000000000001' was not found.");
    }

    [Test]
    public async Task An_oversized_body_is_413()
    {
        var body = Configuration(new string('x', 5000));

        using var response = await _client.PostAsJsonAsync("/dispatches", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        problem["detail"]!.GetValue<string>().Should().Contain("4096 bytes");
    }

    [Test]
    public async Task An_oversized_body_with_a_content_length_is_413_before_it_is_read()
    {
        var body = Configuration(new string('x', 5000)).ToJsonString();

        using var response = await _client.PostRawAsync("/dispatches", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        problem["detail"]!.GetValue<string>().Should().Contain("4096 bytes");
    }

    [Test]
    public async Task An_oversized_body_without_a_token_is_401_the_body_is_not_looked_at()
    {
        using var anonymous = _factory.CreateClient();

        using var response = await anonymous.PostRawAsync("/dispatches", Configuration(new string('x', 5000)).ToJsonString());

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Adding_an_app_whose_uid_is_taken_violates_a_domain_rule_422()
    {
        using var created = await _client.PostAsJsonAsync("/dispatches", Configuration("x", App("a", "A")));
        var id = (await created.BodyAsync())["data"]!.Text("id");

        using var response = await _client.PutAsJsonAsync($"/dispatches/{id}/app", App("a", "Again"));

        var problem = await AssertProblemAsync(response, (HttpStatusCode)422);
        problem["rule"]!.GetValue<string>().Should().Be("app.applicationUid.unique");
    }

    [Test]
    public async Task Two_identical_connections_on_one_side_violate_a_domain_rule_422()
    {
        using var response = await _client.PostAsJsonAsync("/dispatches", Configuration("x", App("a", "A", inbound: [("CREATE", Person), ("create", Person)])));

        var problem = await AssertProblemAsync(response, (HttpStatusCode)422);
        problem["rule"]!.GetValue<string>().Should().Be("connection.unique");
    }

    [Test]
    public async Task A_body_that_is_neither_an_app_nor_an_array_is_400_on_put_app()
    {
        using var created = await _client.PostAsJsonAsync("/dispatches", Configuration("x"));
        var id = (await created.BodyAsync())["data"]!.Text("id");

        using var response = await _client.PutAsync($"/dispatches/{id}/app", new StringContent("42", System.Text.Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Unknown_app_is_404()
    {
        using var created = await _client.PostAsJsonAsync("/dispatches", Configuration("x"));
        var id = (await created.BodyAsync())["data"]!.Text("id");

        using var response = await _client.DeleteAsync($"/dispatches/{id}/app/65f0c1aa0000000000000009");

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task No_token_is_401_and_the_route_stays_closed()
    {
        using var anonymous = _factory.CreateClient();

        using var response = await anonymous.GetAsync("/dispatches");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_token_without_tenant_is_403()
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create(tenant: null));

        using var response = await client.GetAsync("/dispatches");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    internal static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonNode.Parse(text)!;
        problem["status"]!.GetValue<int>().Should().Be((int)status);
        problem["title"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        problem["errors"]!.AsArray().Should().NotBeEmpty();
        problem["errors"]!.AsArray().Should().OnlyContain(e => e!["code"]!.GetValue<int>() == (int)status);
        return problem;
    }
}
