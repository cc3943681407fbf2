using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Dispatches;

/// <summary>A second tenant can neither see, change nor delete another tenant's configuration, nor learn it exists.</summary>
public sealed class TenantIsolationTests
{
    private DispatcherApiFactory _factory = null!;
    private HttpClient _owner = null!;
    private HttpClient _intruder = null!;
    private string _id = null!;
    private string _appId = null!;
    private string _original = null!;

    [SetUp]
    public async Task SetUp()
    {
        _factory = new DispatcherApiFactory();
        _owner = _factory.ClientFor("tenant-a");
        _intruder = _factory.ClientFor("tenant-b");
        using var created = await _owner.PostAsJsonAsync("/dispatches", Configuration("Owned", App("a1", "A one")));
        var data = (await created.BodyAsync())["data"]!;
        _id = data.Text("id");
        _appId = data["applications"]![0]!.Text("_id");
        _original = await (await _owner.GetAsync($"/dispatches/{_id}")).Content.ReadAsStringAsync();
    }

    [TearDown]
    public void TearDown()
    {
        _owner.Dispose();
        _intruder.Dispose();
        _factory.Dispose();
    }

    private static IEnumerable<TestCaseData> Routes()
    {
        yield return new TestCaseData("GET", "/dispatches/{id}").SetArgDisplayNames("get");
        yield return new TestCaseData("PATCH", "/dispatches/{id}").SetArgDisplayNames("replace");
        yield return new TestCaseData("DELETE", "/dispatches/{id}").SetArgDisplayNames("delete");
        yield return new TestCaseData("PUT", "/dispatches/{id}/app").SetArgDisplayNames("add app");
        yield return new TestCaseData("PATCH", "/dispatches/{id}/app/{appId}").SetArgDisplayNames("update app");
        yield return new TestCaseData("DELETE", "/dispatches/{id}/app/{appId}").SetArgDisplayNames("remove app");
    }

    [TestCaseSource(nameof(Routes))]
    public async Task Another_tenant_gets_exactly_the_answer_of_a_missing_id_and_changes_nothing(string method, string template)
    {
        var missingId = "65f0c1aa00000000000000ff";
        using var intruding = await SendAsync(_intruder, method, template.Replace("{id}", _id).Replace("{appId}", _appId));
        using var missing = await SendAsync(_owner, method, template.Replace("{id}", missingId).Replace("{appId}", _appId));

        intruding.StatusCode.Should().Be(HttpStatusCode.NotFound);
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await intruding.Content.ReadAsStringAsync()).Replace(_id, "<id>")
            .Should().Be((await missing.Content.ReadAsStringAsync()).Replace(missingId, "<id>"), "the answer must not reveal that the id exists");
        (await (await _owner.GetAsync($"/dispatches/{_id}")).Content.ReadAsStringAsync()).Should().Be(_original);
    }

    [Test]
    public async Task Another_tenant_lists_nothing()
    {
        var list = await (await _intruder.GetAsync("/dispatches")).BodyAsync();

        list["data"]!.AsArray().Should().BeEmpty();
    }

    [Test]
    public async Task The_body_never_decides_the_tenant_or_the_id_written()
    {
        using var otherCreated = await _intruder.PostAsJsonAsync("/dispatches", Configuration("Victim", App("v1", "Victim app")));
        var victimId = (await otherCreated.BodyAsync())["data"]!.Text("id");
        var victimBefore = await (await _intruder.GetAsync($"/dispatches/{victimId}")).Content.ReadAsStringAsync();

        // The original service wrote to body.id without a tenant filter (oih-facts §7.1 item 1).
        var body = Configuration("Hijack");
        body["id"] = victimId;
        body["tenant"] = "tenant-b";
        using var response = await _owner.PatchJsonAsync($"/dispatches/{_id}", body);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var written = (await response.BodyAsync())["data"]!;
        written.Text("id").Should().Be(_id);
        written.Text("tenant").Should().Be("tenant-a");
        (await (await _intruder.GetAsync($"/dispatches/{victimId}")).Content.ReadAsStringAsync()).Should().Be(victimBefore);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Content = method switch
        {
            "PUT" => JsonContent.Create(App("x9", "Intruder")),
            "PATCH" when url.Contains("/app/") => JsonContent.Create(new JsonObject { ["applicationName"] = "Intruded" }),
            "PATCH" => JsonContent.Create(Configuration("Intruded")),
            _ => null,
        };
        return client.SendAsync(request);
    }
}
