using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Ports;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Hostile;

/// <summary>
/// <c>Limits:MaxConnectionsPerConfiguration</c> is the operator's: every write route refuses a configuration that would
/// have more (422 naming the limit, nothing stored), and accepts one at the limit. The default (500) is covered by
/// <see cref="LimitRoundTripTests"/>.
/// </summary>
[NonParallelizable]
public sealed class ConnectionLimitSettingTests
{
    private const int Limit = 6;
    private DispatcherApiFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void OneTimeSetUp()
    {
        _factory = new DispatcherApiFactory(new Dictionary<string, string?>
        {
            ["Limits:MaxConnectionsPerConfiguration"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FlowRegistry:Standalone:TransitionDelay"] = "00:00:00",
        });
        _client = _factory.ClientFor("tenant-limit-setting");
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    // Three connections each: one outbound, two inbound.
    private static JsonObject ThreeConnections(string uid) =>
        App(uid, uid, outbound: [Person], inbound: [("CREATE", Person), ("UPDATE", Person)]);

    [Test]
    public async Task Every_write_route_refuses_a_configuration_over_the_configured_limit_and_stores_nothing()
    {
        using var over = await _client.PostAsJsonAsync("/dispatches", Configuration("over", ThreeConnections("a"), ThreeConnections("b"), ThreeConnections("c")));
        await ShouldBeRefusedAsync(over);

        using var atLimit = await _client.PostAsJsonAsync("/dispatches", Configuration("at", ThreeConnections("a"), ThreeConnections("b")));
        atLimit.StatusCode.Should().Be(HttpStatusCode.Created, await atLimit.Content.ReadAsStringAsync());
        var data = (await atLimit.BodyAsync())["data"]!;
        var id = data.Text("id");
        var appId = data["applications"]![0]!.Text("_id");
        var before = await (await _client.GetAsync($"/dispatches/{id}")).Content.ReadAsStringAsync();

        using var added = await _client.PutAsJsonAsync($"/dispatches/{id}/app", App("d", "D", outbound: [Person], inbound: []));
        await ShouldBeRefusedAsync(added);
        using var replaced = await _client.PatchJsonAsync($"/dispatches/{id}", Configuration("at", ThreeConnections("a"), ThreeConnections("b"), ThreeConnections("c")));
        await ShouldBeRefusedAsync(replaced);
        using var widened = await _client.PatchJsonAsync($"/dispatches/{id}/app/{appId}",
            new JsonObject { ["outbound"] = new JsonObject { ["flows"] = new JsonArray(new JsonObject { ["schemaUri"] = Person }, new JsonObject { ["schemaUri"] = Person + "-2" }) } });
        await ShouldBeRefusedAsync(widened);

        (await (await _client.GetAsync($"/dispatches/{id}")).Content.ReadAsStringAsync()).Should().Be(before, "a refused change stores nothing");
        (await _client.DeleteAsync($"/dispatches/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static async Task ShouldBeRefusedAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var body = await response.BodyAsync();
        body["rule"]!.GetValue<string>().Should().Be(InputLimits.Names.ConnectionsPerConfiguration);
        body.ToJsonString().Should().Contain($"at most {Limit} are allowed");
    }
}
