using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Messaging;
using Dispatcher.Api.Tests.Support;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Hostile;

/// <summary>Tenant identity is exact, and no route tells one tenant whether another tenant's things exist.</summary>
public sealed class TenantEdgeTests
{
    private DispatcherApiFactory _factory = null!;
    private HttpClient _owner = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _factory = new DispatcherApiFactory();
        _owner = _factory.ClientFor("tenantA");
        using var created = await _owner.PostAsJsonAsync("/dispatches", Configuration("A's", App("a1", "A one"), App("b1", "B one")));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _owner.Dispose();
        _factory.Dispose();
    }

    [TestCase(" tenantA")]
    [TestCase("tenantA ")]
    [TestCase("tenantA\t")]
    [TestCase("\ttenantA")]
    [TestCase("tenantA\n")]
    [TestCase("tenantA\r\n")]
    [TestCase("tenantA\u00a0")]
    [TestCase("tenant\u0000A")]
    [TestCase("tenantA\u0007")]
    [TestCase(" ")]
    public async Task A_tenant_claim_with_whitespace_or_control_characters_is_refused_with_403(string tenant)
    {
        using var client = _factory.ClientFor(tenant);

        foreach (var path in new[] { "/dispatches", "/events/dispatches" })
        {
            using var response = await client.GetAsync(path);

            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden, body);
            body.Should().NotContain("A's");
            JsonNode.Parse(body)!["detail"]!.GetValue<string>().Should().Contain("tenant");
        }
    }

    [Test]
    public async Task The_exact_tenant_reads_its_own_list()
    {
        using var response = await _owner.GetAsync("/dispatches");

        (await response.BodyAsync())["data"]!.AsArray().Should().ContainSingle();
    }

    [Test]
    public async Task A_tenant_that_differs_only_in_case_is_another_tenant()
    {
        using var client = _factory.ClientFor("TENANTA");

        (await (await client.GetAsync("/dispatches")).BodyAsync())["data"]!.AsArray().Should().BeEmpty();
    }

    [Test]
    public async Task Events_answer_the_same_for_another_tenants_flow_and_an_unknown_one()
    {
        using var factory = new DispatcherApiFactory();
        using var owner = factory.ClientFor("tenant-a");
        using var other = factory.ClientFor("tenant-b");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(owner);
        string Event(string flow, string name) =>
            $$"""{"headers":{"name":"data-hub.record.{{name}}"},"payload":{"meta":{"flowId":"{{flow}}","oihUid":"1"},"data":{"x":1} } }""";

        foreach (var name in new[] { "created", "updated", "deleted" })
        {
            foreach (var foreign in new[] { flows["snazzy.out"], flows["wice.CREATE"] })
            {
                using var theirs = await other.PostRawAsync("/events", Event(foreign, name));
                using var unknown = await other.PostRawAsync("/events", Event("0123456789abcdef01234567", name));

                theirs.StatusCode.Should().Be(unknown.StatusCode);
                (await theirs.Content.ReadAsStringAsync()).Should().Be(await unknown.Content.ReadAsStringAsync());
                theirs.Headers.Select(h => h.Key).Should().BeEquivalentTo(unknown.Headers.Select(h => h.Key));
            }
        }

        (await (await owner.GetAsync("/events/dispatches")).BodyAsync())["data"]!.AsArray().Should().BeEmpty("nothing was dispatched for the intruder");
    }

    [Test]
    public async Task Standalone_flow_ids_are_24_hex_digits_and_not_predictable_from_one_another()
    {
        var body = Configuration("many", Enumerable.Range(0, 5).Select(i => App($"u{i}", $"App {i}")).ToArray());
        using var client = _factory.ClientFor("tenant-ids");
        using var created = await client.PostAsJsonAsync("/dispatches", body);
        var ids = FlowIds((await created.BodyAsync())["data"]!).Select(id => id!).ToList();

        ids.Should().HaveCount(15).And.OnlyHaveUniqueItems().And.AllSatisfy(id => id.Should().MatchRegex("^[0-9a-f]{24}$"));
        // Counter-style ids share their first 18 digits (time and process part) and differ by one in the rest.
        ids.Select(id => id[..18]).Should().OnlyHaveUniqueItems("random ids share no time or process part");
        var numbers = ids.Select(id => Convert.ToInt64(id[18..], 16)).Order().ToList();
        numbers.Zip(numbers.Skip(1), (a, b) => b - a).Should().NotContain(1, "no id is its neighbour plus one");
    }
}
