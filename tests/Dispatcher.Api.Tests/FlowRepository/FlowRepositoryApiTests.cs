using System.Net;
using System.Net.Http.Json;
using Dispatcher.Api.Tests.Dispatches;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport;
using Dispatcher.TestSupport.FlowRepository;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.FlowRepository;

/// <summary>
/// The API over the Flow Repository adapter and a fake repository that enforces the real rules: flows are created with
/// the caller's token, a failed write saves nothing and leaves no flow behind, and a delete removes the flows.
/// </summary>
public sealed class FlowRepositoryApiTests
{
    private static readonly Dictionary<string, string?> OneCallAtATime = new() { ["Provisioning:MaxParallelism"] = "1" };

    [Test]
    public async Task Creating_a_configuration_creates_exactly_its_flows_with_the_callers_token()
    {
        await using var host = await FlowRepositoryApiHost.StartAsync();

        using var response = await host.Client.PostAsJsonAsync(
            "/dispatches", Configuration("Persons hub", App("snazzy1234", "SnazzyContacts"), App("wice5678", "Wice CRM")));

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var flowIds = FlowIds((await response.BodyAsync())["data"]!);
        flowIds.Should().HaveCount(6);
        host.Fake.Flows.Select(flow => flow.Name).Should().BeEquivalentTo(
            "H&S Outbound Flow for SnazzyContacts", "H&S Inbound CREATE Flow for SnazzyContacts", "H&S Inbound UPDATE Flow for SnazzyContacts",
            "H&S Outbound Flow for Wice CRM", "H&S Inbound CREATE Flow for Wice CRM", "H&S Inbound UPDATE Flow for Wice CRM");
        host.Fake.Flows.Where(flow => flow.Name!.Contains("Inbound", StringComparison.Ordinal))
            .Should().HaveCount(4).And.OnlyContain(flow => flow.Status == "inactive", "inbound flows start on their first dispatch");
        host.Fake.RequestsFor(FlowOperation.Start).Select(r => r.FlowId).Should().BeEquivalentTo(
            host.Fake.Flows.Where(flow => flow.Name!.Contains("Outbound", StringComparison.Ordinal)).Select(flow => flow.Id),
            "the sources of active outbound sides are started");
        foreach (var flow in host.Fake.Flows)
        {
            var sdfNodes = flow.Nodes.Where(node => node!["name"]!.GetValue<string>() == "SDF Adapter");
            sdfNodes.Should().NotBeEmpty().And.OnlyContain(node => node!["fields"]!["flowId"]!.GetValue<string>() == flow.Id);
        }

        // Flows are created on the caller's authority (owned by its tenant); stored flow work runs on the service's.
        host.Fake.Requests.Where(r => r.Operation is FlowOperation.Create or FlowOperation.Update)
            .Should().HaveCount(12).And.OnlyContain(request => request.Token == host.CallerToken);
        host.Fake.Requests.Where(r => r.Operation is not (FlowOperation.Create or FlowOperation.Update))
            .Should().OnlyContain(request => request.Token == FlowRepositoryApiHost.ServiceToken);
        await host.AssertConsistentAsync();
    }

    [Test]
    public async Task A_500_on_the_third_post_is_a_502_naming_the_connection_and_nothing_is_saved_or_left()
    {
        await using var host = await FlowRepositoryApiHost.StartAsync(OneCallAtATime);
        host.Fake.Fail(FlowOperation.Create, 3, 500, message: "NO DB. Please try again later");

        using var response = await host.Client.PostAsJsonAsync("/dispatches", Configuration("Doomed", App("a1", "A one"), App("a2", "A two")));

        var problem = await ErrorTests.AssertProblemAsync(response, HttpStatusCode.BadGateway);
        problem["detail"]!.GetValue<string>().Should()
            .Contain("Could not create the flow for the inbound UPDATE connection").And.Contain("of app 'A one'")
            .And.Contain("answered 500 to POST /flows: NO DB. Please try again later").And.Contain("Nothing was saved");
        (await host.ConfigurationsAsync()).Should().BeEmpty();
        await Eventually.HoldsAsync(() => host.Fake.Flows.Count == 0, TimeSpan.FromSeconds(10), "the two flows created before were rolled back");
        host.Fake.RequestsFor(FlowOperation.Delete).Should().HaveCount(2).And.OnlyContain(r => r.StatusCode == 200);
        host.Fake.CallsTo(FlowOperation.Create).Should().Be(3, "the failed POST was not repeated and nothing after it was tried");
        await host.AssertConsistentAsync();
    }

    [Test]
    public async Task A_500_on_a_post_with_creates_in_parallel_still_leaves_no_flow()
    {
        await using var host = await FlowRepositoryApiHost.StartAsync(); // Provisioning:MaxParallelism 4 (the default)
        host.Fake.Delay(FlowOperation.Update, 1, TimeSpan.FromMilliseconds(100), times: 100);
        host.Fake.Fail(FlowOperation.Create, 3, 500);

        using var response = await host.Client.PostAsJsonAsync("/dispatches", Configuration("Doomed", App("a1", "A one"), App("a2", "A two")));

        await ErrorTests.AssertProblemAsync(response, HttpStatusCode.BadGateway);
        (await host.ConfigurationsAsync()).Should().BeEmpty();
        await Eventually.HoldsAsync(() => host.Fake.Flows.Count == 0, TimeSpan.FromSeconds(10), "flows whose create was under way when another failed are completed, then rolled back");
        await host.AssertConsistentAsync();
    }

    [Test]
    public async Task A_repository_that_refuses_connections_is_a_503_and_nothing_is_saved()
    {
        await using var host = await FlowRepositoryApiHost.StartAsync();
        await host.Fake.StopListeningAsync();

        using var response = await host.Client.PostAsJsonAsync("/dispatches", Configuration("Offline", App("a1", "A one")));

        var problem = await ErrorTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        problem["detail"]!.GetValue<string>().Should().Contain("could not be reached for POST /flows");
        await host.Fake.ListenAgainAsync();
        (await host.ConfigurationsAsync()).Should().BeEmpty();
        host.Fake.Flows.Should().BeEmpty();
        await host.AssertConsistentAsync();
    }

    [Test]
    public async Task A_repository_answering_503_is_a_503_and_nothing_is_saved()
    {
        await using var host = await FlowRepositoryApiHost.StartAsync();
        host.Fake.GoDown();

        using var response = await host.Client.PostAsJsonAsync("/dispatches", Configuration("Down", App("a1", "A one")));

        await ErrorTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        host.Fake.ComeBack();
        (await host.ConfigurationsAsync()).Should().BeEmpty();
        host.Fake.Flows.Should().BeEmpty();
        await host.AssertConsistentAsync();
    }

    [Test]
    public async Task A_failing_patch_after_the_create_is_a_502_and_no_placeholder_is_left()
    {
        await using var host = await FlowRepositoryApiHost.StartAsync(OneCallAtATime);
        host.Fake.Fail(FlowOperation.Update, 2, 500, times: 100, message: "graph store failed");

        using var response = await host.Client.PostAsJsonAsync("/dispatches", Configuration("Half", App("a1", "A one")));

        var problem = await ErrorTests.AssertProblemAsync(response, HttpStatusCode.BadGateway);
        problem["detail"]!.GetValue<string>().Should().Contain("inbound CREATE connection").And.Contain("graph store failed");
        (await host.ConfigurationsAsync()).Should().BeEmpty();
        await Eventually.HoldsAsync(() => host.Fake.Flows.Count == 0, TimeSpan.FromSeconds(10), "the placeholder of the failed flow and the complete first flow are both gone");
        host.Fake.CallsTo(FlowOperation.Create).Should().Be(2);
        await host.AssertConsistentAsync();
    }

    [Test]
    public async Task Deleting_a_configuration_with_inactive_flows_deletes_them_all()
    {
        await using var host = await FlowRepositoryApiHost.StartAsync();
        using var created = await host.Client.PostAsJsonAsync(
            "/dispatches", Configuration("Targets only", App("a1", "A one", outbound: []), App("a2", "A two", outbound: [])));
        var id = (await created.BodyAsync())["data"]!.Text("id");
        host.Fake.Flows.Should().HaveCount(4).And.OnlyContain(flow => flow.Status == "inactive");

        using var deleted = await host.Client.DeleteAsync($"/dispatches/{id}");

        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await deleted.BodyAsync())["meta"]!["pendingCleanup"].Should().BeNull();
        host.Fake.Flows.Should().BeEmpty();
        host.Fake.RequestsFor(FlowOperation.Stop).Should().BeEmpty();
        host.Fake.RequestsFor(FlowOperation.Delete).Should().HaveCount(4).And.OnlyContain(r => r.Token == FlowRepositoryApiHost.ServiceToken);
        await host.AssertConsistentAsync();
    }

    [Test]
    public async Task Deleting_a_configuration_with_running_flows_stops_waits_and_deletes_them()
    {
        await using var host = await FlowRepositoryApiHost.StartAsync();
        using var created = await host.Client.PostAsJsonAsync("/dispatches", Configuration("Running", App("a1", "A one"), App("a2", "A two")));
        var id = (await created.BodyAsync())["data"]!.Text("id");
        await Eventually.HoldsAsync(() => host.Fake.Flows.Count(flow => flow.Status == "active") == 2, "outbound flows active");

        using var deleted = await host.Client.DeleteAsync($"/dispatches/{id}");

        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        // Stop, wait, delete: finished within the answer, or listed as pending and finished right after it.
        var outbound = host.Fake.RequestsFor(FlowOperation.Stop).Select(r => r.FlowId).ToHashSet();
        if ((await deleted.BodyAsync())["meta"]!["pendingCleanup"] is { } pending)
        {
            pending.AsArray().Select(f => f!.GetValue<string>()).Should().BeSubsetOf(outbound!, "only running flows take longer");
        }

        await Eventually.HoldsAsync(() => host.Fake.Flows.Count == 0, TimeSpan.FromSeconds(10), "every flow is removed");
        host.Fake.RequestsFor(FlowOperation.Stop).Should().HaveCount(2);
        host.Fake.RequestsFor(FlowOperation.Delete).Should().OnlyContain(r => r.StatusCode == 200);
        await host.AssertConsistentAsync();
    }

    [Test]
    public async Task A_flow_that_does_not_stop_in_time_is_reported_as_pending_cleanup_and_kept()
    {
        await using var host = await FlowRepositoryApiHost.StartAsync(new Dictionary<string, string?> { ["Provisioning:StopWaitTimeout"] = "00:00:00.3" });
        using var created = await host.Client.PostAsJsonAsync("/dispatches", Configuration("Stuck", App("a1", "A one")));
        var id = (await created.BodyAsync())["data"]!.Text("id");
        var outbound = host.Fake.Flows.Single(flow => flow.Name!.Contains("Outbound", StringComparison.Ordinal)).Id;
        await Eventually.HoldsAsync(() => host.Fake.Flow(outbound).Status == "active", "outbound flow active");
        host.Fake.TransitionDelay = null; // the orchestrator stops answering: the flow stays "stopping"

        using var deleted = await host.Client.DeleteAsync($"/dispatches/{id}");

        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        (await deleted.BodyAsync())["meta"]!["pendingCleanup"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(outbound);
        host.Fake.Flows.Should().ContainSingle().Which.Should().Match<FakeFlow>(flow => flow.Id == outbound && flow.Status == "stopping");
        host.Fake.RequestsFor(FlowOperation.Delete).Where(r => r.FlowId == outbound).Should().BeEmpty("a running flow is never deleted");
    }

    [Test]
    public async Task Adding_an_app_creates_its_flows_and_removing_it_deletes_them()
    {
        await using var host = await FlowRepositoryApiHost.StartAsync();
        using var created = await host.Client.PostAsJsonAsync("/dispatches", Configuration("Growing", App("a1", "A one")));
        var id = (await created.BodyAsync())["data"]!.Text("id");

        using var added = await host.Client.PutAsJsonAsync($"/dispatches/{id}/app", App("a2", "A two"));
        added.StatusCode.Should().Be(HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        host.Fake.Flows.Should().HaveCount(6);
        await host.AssertConsistentAsync();

        var appId = (await added.BodyAsync())["data"]!["applications"]!.AsArray()
            .Single(app => app!["applicationUid"]!.GetValue<string>() == "a2")!.Text("_id");
        using var removed = await host.Client.DeleteAsync($"/dispatches/{id}/app/{appId}");

        removed.StatusCode.Should().Be(HttpStatusCode.OK, await removed.Content.ReadAsStringAsync());
        await Eventually.HoldsAsync(() => host.Fake.Flows.Count == 3, TimeSpan.FromSeconds(10), "the removed app's flows are removed");
        host.Fake.Flows.Should().OnlyContain(flow => flow.Name!.EndsWith("A one", StringComparison.Ordinal));
        await host.AssertConsistentAsync();
    }

    [Test]
    public async Task The_service_does_not_start_with_a_base_url_but_no_service_token()
    {
        await using var fake = await FakeFlowRepository.StartAsync();
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["FlowRepository:BaseUrl"] = fake.BaseUrl });

        var start = () => factory.CreateClient();

        start.Should().Throw<Exception>().Which.ToString()
            .Should().Contain("FlowRepository:ServiceToken is required when FlowRepository:BaseUrl is set.");
    }
}
