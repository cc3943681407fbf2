using System.Net;
using System.Text.Json;
using Dispatcher.Client;
using Dispatcher.Client.Models;
using static Dispatcher.Client.Tests.ClientHarness;

namespace Dispatcher.Client.Tests;

/// <summary>Every route of the REST API through <see cref="IDispatcherClient"/>, against the real service.</summary>
public sealed class DispatcherClientTests
{
    private ClientHarness _harness = null!;
    private int _tenant;

    [OneTimeSetUp]
    public void StartService() => _harness = new ClientHarness();

    [OneTimeTearDown]
    public void StopService() => _harness.Dispose();

    /// <summary>A client of a tenant no other test uses.</summary>
    private IDispatcherClient NewTenant() => _harness.ClientFor($"client-tests-{Interlocked.Increment(ref _tenant)}");

    [Test]
    public async Task Create_get_and_list_round_trip_with_the_version_as_etag()
    {
        var client = NewTenant();

        var created = await client.CreateAsync(TwoApps());
        var read = await client.GetAsync(created.Data.Id);
        var list = await client.ListAsync();

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        created.ETag.Should().Be("\"1\"");
        created.Version.Should().Be(1);
        created.Data.Name.Should().Be("Persons hub");
        created.Data.Applications.Select(a => a.ApplicationUid).Should().Equal("snazzy1234", "wice5678");
        created.Data.Applications.SelectMany(a => a.Outbound.Flows.Concat(a.Inbound.Flows))
            .Should().HaveCount(6).And.OnlyContain(f => f.FlowId != null, "every connection of an active side gets a flow");
        created.Data.Applications[0].Inbound.Flows.Select(f => f.Operation).Should().Equal("CREATE", "UPDATE");
        JsonSerializer.Serialize(read.Data).Should().Be(JsonSerializer.Serialize(created.Data));
        read.Version.Should().Be(1);
        list.Select(c => c.Id).Should().Equal(created.Data.Id);
        (await NewTenant().ListAsync()).Should().BeEmpty("another tenant sees nothing of it");
    }

    [Test]
    public async Task Replace_with_the_current_version_succeeds_and_with_a_stale_one_is_a_412_exception()
    {
        var client = NewTenant();
        var created = await client.CreateAsync(TwoApps());
        var flows = FlowIds(created.Data);

        var replaced = await client.ReplaceAsync(created.Data.Id, created.Data.ToInput() with { Name = "Renamed" }, created.Version);
        var stale = async () => await client.ReplaceAsync(created.Data.Id, created.Data.ToInput() with { Name = "Lost update" }, created.Version);

        replaced.Data.Name.Should().Be("Renamed");
        replaced.Version.Should().Be(2);
        replaced.ETag.Should().Be("\"2\"");
        FlowIds(replaced.Data).Should().Equal(flows, "ids sent back keep the connections and their flows");
        var problem = (await stale.Should().ThrowAsync<DispatcherApiException>()).Which;
        problem.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        problem.Status.Should().Be(412);
        problem.Title.Should().Be("Precondition failed");
        problem.Type.Should().Be("https://httpstatuses.io/412");
        problem.Errors.Should().ContainSingle().Which.Code.Should().Be(412);
        (await client.GetAsync(created.Data.Id)).Data.Name.Should().Be("Renamed", "the stale write changed nothing");
    }

    [Test]
    public async Task Apps_are_added_changed_and_removed_with_etag_concurrency()
    {
        var client = NewTenant();
        var created = await client.CreateAsync(TwoApps());
        var id = created.Data.Id;

        var added = await client.AddAppsAsync(id, [App("outlook91", "Outlook", "CREATE")], created.Version);
        var outlook = added.Data.Applications.Single(a => a.ApplicationUid == "outlook91");
        var staleAdd = async () => await client.AddAppsAsync(id, [App("late1", "Late")], created.Version);
        var changed = await client.UpdateAppAsync(id, outlook.Id, new DispatchAppPatch
        {
            ApplicationName = "Outlook 365",
            Inbound = new DispatchSideInput { Active = false },
        }, added.Version);
        var staleRemove = async () => await client.RemoveAppAsync(id, outlook.Id, added.Version);
        var removed = await client.RemoveAppAsync(id, outlook.Id, changed.Version);
        var missingApp = async () => await client.RemoveAppAsync(id, outlook.Id);

        added.Version.Should().Be(2);
        added.Data.Applications.Should().HaveCount(3);
        outlook.Inbound.Flows.Should().ContainSingle().Which.FlowId.Should().NotBeNull();
        (await staleAdd.Should().ThrowAsync<DispatcherApiException>()).Which.Status.Should().Be(412);
        changed.Version.Should().Be(3);
        var changedApp = changed.Data.Applications.Single(a => a.Id == outlook.Id);
        changedApp.ApplicationName.Should().Be("Outlook 365");
        changedApp.Inbound.Active.Should().BeFalse();
        changedApp.Outbound.Active.Should().BeTrue("members absent from the patch stay as they are");
        (await staleRemove.Should().ThrowAsync<DispatcherApiException>()).Which.Status.Should().Be(412);
        removed.Version.Should().Be(4);
        removed.Data.Applications.Select(a => a.ApplicationUid).Should().Equal("snazzy1234", "wice5678");
        var notFound = (await missingApp.Should().ThrowAsync<DispatcherApiException>()).Which;
        notFound.Status.Should().Be(404);
        notFound.Detail.Should().Contain(outlook.Id);
    }

    [Test]
    public async Task Delete_honours_the_expected_version_and_a_deleted_configuration_is_a_404_exception()
    {
        var client = NewTenant();
        var created = await client.CreateAsync(TwoApps());
        var renamed = await client.ReplaceAsync(created.Data.Id, created.Data.ToInput() with { Name = "v2" });

        var stale = async () => await client.DeleteAsync(created.Data.Id, created.Version);
        (await stale.Should().ThrowAsync<DispatcherApiException>()).Which.Status.Should().Be(412);
        var deleted = await client.DeleteAsync(created.Data.Id, renamed.Version);
        var get = async () => await client.GetAsync(created.Data.Id);

        deleted.Data.Should().Be(new DeletionResult(created.Data.Id, "Deletion successful"));
        // Running (outbound) flows may take longer to stop: they are listed, and only this configuration's flows can be.
        deleted.PendingCleanup.Should().BeSubsetOf(FlowIds(renamed.Data).Select(f => f!));
        var notFound = (await get.Should().ThrowAsync<DispatcherApiException>()).Which;
        notFound.StatusCode.Should().Be(HttpStatusCode.NotFound);
        notFound.Title.Should().Be("Not found");
        (await client.ListAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task Invalid_input_is_a_400_exception_carrying_every_error_with_its_field()
    {
        var client = NewTenant();
        var invalid = new DispatchConfigurationInput
        {
            Name = "",
            Applications = [App("a1", "A", "MERGE") with { SecretId = "not-an-object-id" }],
        };

        var create = async () => await client.CreateAsync(invalid);

        var problem = (await create.Should().ThrowAsync<DispatcherApiException>()).Which;
        problem.Status.Should().Be(400);
        problem.Title.Should().Be("Validation failed");
        problem.Errors.Select(e => e.Field).Should().BeEquivalentTo("name", "applications[0].secretId", "applications[0].inbound.flows[0].operation");
        problem.Errors.Should().OnlyContain(e => e.Code == 400 && e.Message.Length > 0);
        problem.Detail.Should().Contain("MERGE");
        problem.Instance.Should().Be("/dispatches");
        problem.Message.Should().StartWith("The dispatcher answered 400 Validation failed: ");
        problem.ResponseBody.Should().Contain("\"errors\"");
        (await client.ListAsync()).Should().BeEmpty("nothing is saved");
    }

    [Test]
    public async Task Without_a_token_every_route_is_a_401_exception()
    {
        var anonymous = _harness.ClientFor(tenant: null);

        var list = async () => await anonymous.ListAsync();
        var create = async () => await anonymous.CreateAsync(TwoApps());

        var problem = (await list.Should().ThrowAsync<DispatcherApiException>()).Which;
        problem.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        problem.Title.Should().Be("Unauthorized");
        problem.Detail.Should().Be("Missing bearer token.");
        (await create.Should().ThrowAsync<DispatcherApiException>()).Which.Status.Should().Be(401);
    }

    [Test]
    public async Task A_token_provider_is_asked_for_every_request_and_its_token_is_sent()
    {
        var calls = 0;
        var token = TestTokensFor("client-tests-provider");
        var client = _harness.Client(o =>
        {
            o.Token = "ignored-when-a-provider-is-set";
            o.TokenProvider = _ =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult(token);
            };
        });

        var created = await client.CreateAsync(TwoApps());
        var list = await client.ListAsync();

        calls.Should().Be(2);
        created.Data.Tenant.Should().Be("client-tests-provider", "the provider's token names the tenant");
        list.Should().ContainSingle();
    }

    [Test]
    public async Task Preview_shows_the_copies_a_sample_event_would_produce()
    {
        var client = NewTenant();
        var created = (await client.CreateAsync(TwoApps())).Data;
        var source = created.Applications[0].Outbound.Flows[0].FlowId!;
        var target = created.Applications[1].Inbound.Flows.Single(f => f.Operation == "UPDATE").FlowId!;

        var preview = await client.PreviewAsync(created.Id, new SampleRecordEvent
        {
            FlowId = source,
            Operation = "UPDATE",
            Meta = JsonSerializer.SerializeToElement(new { refs = new[] { new { applicationUid = "wice5678", recordUid = "w-1" } } }),
            Data = JsonSerializer.SerializeToElement(new { firstName = "Jane" }),
        });
        var unknown = await client.PreviewJsonAsync(created.Id, JsonSerializer.SerializeToElement(new { flowId = "0123456789abcdef01234567", operation = "CREATE" }));
        var malformed = async () => await client.PreviewJsonAsync(created.Id, JsonSerializer.SerializeToElement(new { operation = "CREATE" }));

        preview.Outcome.Should().Be(RoutingOutcomes.Routed);
        preview.Source!.ApplicationUid.Should().Be("snazzy1234");
        var dispatch = preview.Dispatches.Should().ContainSingle().Which;
        dispatch.FlowId.Should().Be(target);
        dispatch.RoutingKey.Should().Be($"dispatch.{target}");
        dispatch.RecordUid.Should().Be("w-1");
        dispatch.Data!.Value.GetProperty("firstName").GetString().Should().Be("Jane");
        preview.Skipped.Should().ContainSingle().Which.Reason.Should().Be("SourceApp");
        unknown.Outcome.Should().Be(RoutingOutcomes.UnknownSource);
        var problem = (await malformed.Should().ThrowAsync<DispatcherApiException>()).Which;
        problem.Status.Should().Be(400);
        problem.Title.Should().Be("Malformed event");
    }

    [Test]
    public async Task Events_are_dispatched_in_the_embedded_mode_and_the_copies_listed()
    {
        var client = NewTenant();
        var created = (await client.CreateAsync(TwoApps())).Data;
        var source = created.Applications[1].Outbound.Flows[0].FlowId!;
        var target = created.Applications[0].Inbound.Flows.Single(f => f.Operation == "CREATE").FlowId!;

        var result = await client.PublishEventAsync(new SampleRecordEvent
        {
            FlowId = source,
            Operation = "CREATE",
            Data = JsonSerializer.SerializeToElement(new { lastName = "Doe" }),
        });
        var raw = await client.PublishEventJsonAsync(JsonSerializer.SerializeToElement(new
        {
            headers = new { name = "data-hub.record.created" },
            payload = new { meta = new { flowId = "0123456789abcdef01234567" }, data = new { } },
        }));
        var dispatches = await client.ListRecentDispatchesAsync();

        result.Should().Be(new DispatchResult(RoutingOutcomes.Routed, 1));
        raw.Outcome.Should().Be(RoutingOutcomes.UnknownSource);
        var copy = dispatches.Should().ContainSingle().Which;
        copy.RoutingKey.Should().Be($"dispatch.{target}");
        copy.ConfigurationId.Should().Be(created.Id);
        copy.MessageId.Should().NotBeEmpty();
        JsonDocument.Parse(copy.Body).RootElement.GetProperty("payload").GetProperty("data").GetProperty("lastName").GetString().Should().Be("Doe");
    }

    [Test]
    public async Task Admin_error_queue_routes_answer_through_the_typed_exception()
    {
        var admin = _harness.ClientFor("client-tests-admin", new Dictionary<string, object> { ["permission"] = "dispatcher.admin" });
        var tenantOnly = NewTenant();

        var list = async () => await admin.ListErrorQueueAsync(max: 5);
        var redrive = async () => await admin.RedriveErrorQueueAsync(targetFlowId: "0123456789abcdef01234567");
        var forbidden = async () => await tenantOnly.ListErrorQueueAsync();

        // The embedded mode has no broker and so no error queue: the route's own 404 problem, not an unmapped route.
        var noQueue = (await list.Should().ThrowAsync<DispatcherApiException>()).Which;
        noQueue.Status.Should().Be(404);
        noQueue.Detail.Should().StartWith("There is no error queue");
        (await redrive.Should().ThrowAsync<DispatcherApiException>()).Which.Detail.Should().StartWith("There is no error queue");
        (await forbidden.Should().ThrowAsync<DispatcherApiException>()).Which.Status.Should().Be(403);
    }

    [Test]
    public async Task Readiness_reports_the_components()
    {
        var report = await _harness.ClientFor(tenant: null).GetReadinessAsync();

        report.IsReady.Should().BeTrue();
        report.Status.Should().Be("Healthy");
        report.Components.Should().ContainKey("store");
        report.Components["store"].GetProperty("status").GetString().Should().Be("Healthy");
    }

    private static string TestTokensFor(string tenant) => Api.Tests.Support.TestTokens.Create(tenant);

    private static List<string?> FlowIds(DispatchConfiguration configuration) =>
        [.. configuration.Applications.SelectMany(a => a.Outbound.Flows.Concat(a.Inbound.Flows)).Select(f => f.FlowId)];
}
