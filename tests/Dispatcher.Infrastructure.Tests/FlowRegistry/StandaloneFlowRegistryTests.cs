using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.FlowRegistry;
using Dispatcher.TestSupport.Sqlite;
using Dispatcher.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dispatcher.Infrastructure.Tests.FlowRegistry;

public sealed class StandaloneFlowRegistryTests
{
    private static readonly TimeSpan TransitionDelay = TimeSpan.FromMilliseconds(500);
    private static readonly FlowCallContext Caller = new("caller-token");

    private TemporarySqliteFile _database = null!;
    private FakeTimeProvider _time = null!;
    private StandaloneFlowRegistry _registry = null!;

    [SetUp]
    public void SetUp()
    {
        _database = new TemporarySqliteFile("flows.db");
        _time = new FakeTimeProvider(DispatchConfigurationBuilder.Now);
        _registry = CreateRegistry(TransitionDelay);
    }

    [TearDown]
    public void TearDown() => _database.Dispose();

    [Test]
    public async Task Create_gives_a_24_hex_id_an_inactive_status_and_the_original_outbound_name()
    {
        var definition = Outbound("Wice CRM");

        var id = await _registry.CreateAsync(definition, Caller, CancellationToken.None);

        id.Value.Should().MatchRegex("^[0-9a-f]{24}$");
        (await _registry.GetStatusAsync(id, Caller, CancellationToken.None)).Should().Be(FlowStatus.Inactive);
        var flow = (await _registry.ListAsync(CancellationToken.None)).Should().ContainSingle().Subject;
        flow.Should().BeEquivalentTo(new
        {
            Id = id,
            Tenant = "tenant-a",
            definition.ConfigurationId,
            ConnectionId = definition.Connection.Id,
            Direction = Direction.Outbound,
            Name = "H&S Outbound Flow for Wice CRM",
            Status = FlowStatus.Inactive,
            StatusChangedAt = DispatchConfigurationBuilder.Now,
            CreatedAt = DispatchConfigurationBuilder.Now,
        });
    }

    [Test]
    public async Task Listing_pages_through_every_flow_by_id_with_its_status_owner_and_creation_time()
    {
        var definitions = Enumerable.Range(0, 5).Select(i => Outbound($"App {i}")).ToList();
        var created = new List<FlowId>();
        foreach (var definition in definitions)
        {
            created.Add(await _registry.CreateAsync(definition, Caller, CancellationToken.None));
        }

        await _registry.StartAsync(created[0], Caller, CancellationToken.None);
        _time.Advance(TransitionDelay);

        var pages = new List<FlowPage>();
        string? page = null;
        do
        {
            var next = await _registry.ListAsync(page, 2, CancellationToken.None);
            pages.Add(next);
            page = next.Next;
        }
        while (page is not null);

        pages.Select(p => p.Flows.Count).Should().Equal(2, 2, 1);
        var flows = pages.SelectMany(p => p.Flows).ToList();
        flows.Select(f => f.Id.Value).Should().BeInAscendingOrder(StringComparer.Ordinal).And.BeEquivalentTo(created.Select(f => f.Value));
        flows.Single(f => f.Id == created[0]).Status.Should().Be(FlowStatus.Active, "transitions due are settled");
        for (var i = 0; i < created.Count; i++)
        {
            flows.Single(f => f.Id == created[i]).Should().Be(new FlowSummary(
                created[i], i == 0 ? FlowStatus.Active : FlowStatus.Inactive,
                new FlowOwner(definitions[i].ConfigurationId, definitions[i].Connection.Id), DispatchConfigurationBuilder.Now));
        }
    }

    [TestCase(Operation.Create, "H&S Inbound CREATE Flow for Snazzy Contacts")]
    [TestCase(Operation.Update, "H&S Inbound UPDATE Flow for Snazzy Contacts")]
    [TestCase(Operation.Delete, "H&S Inbound DELETE Flow for Snazzy Contacts")]
    public async Task Create_names_an_inbound_flow_with_its_operation_in_upper_case(Operation operation, string expected)
    {
        await _registry.CreateAsync(Inbound("Snazzy Contacts", operation), Caller, CancellationToken.None);

        var flow = (await _registry.ListAsync(CancellationToken.None)).Should().ContainSingle().Subject;
        flow.Name.Should().Be(expected);
        flow.Direction.Should().Be(Direction.Inbound);
    }

    [Test]
    public async Task Create_gives_every_flow_a_new_id()
    {
        var definition = Outbound();

        var first = await _registry.CreateAsync(definition, Caller, CancellationToken.None);
        var second = await _registry.CreateAsync(definition, Caller, CancellationToken.None);

        second.Should().NotBe(first);
    }

    [Test]
    public async Task Start_makes_a_flow_starting_and_active_once_the_transition_delay_has_passed()
    {
        var id = await _registry.CreateAsync(Outbound(), Caller, CancellationToken.None);

        await _registry.StartAsync(id, Caller, CancellationToken.None);

        (await StatusOf(id)).Should().Be(FlowStatus.Starting);
        _time.Advance(TransitionDelay - TimeSpan.FromMilliseconds(1));
        (await StatusOf(id)).Should().Be(FlowStatus.Starting);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        (await StatusOf(id)).Should().Be(FlowStatus.Active);
    }

    [Test]
    public async Task Stop_makes_an_active_flow_stopping_and_inactive_once_the_transition_delay_has_passed()
    {
        var id = await ActiveFlow();

        await _registry.StopAsync(id, Caller, CancellationToken.None);

        (await StatusOf(id)).Should().Be(FlowStatus.Stopping);
        _time.Advance(TransitionDelay);
        (await StatusOf(id)).Should().Be(FlowStatus.Inactive);
    }

    [Test]
    public async Task Start_of_a_starting_or_active_flow_changes_nothing()
    {
        var id = await _registry.CreateAsync(Outbound(), Caller, CancellationToken.None);
        await _registry.StartAsync(id, Caller, CancellationToken.None);
        _time.Advance(TransitionDelay / 2);

        await _registry.StartAsync(id, Caller, CancellationToken.None);

        // The repeated start did not restart the transition.
        _time.Advance(TransitionDelay / 2);
        (await StatusOf(id)).Should().Be(FlowStatus.Active);
        await _registry.StartAsync(id, Caller, CancellationToken.None);
        (await StatusOf(id)).Should().Be(FlowStatus.Active);
    }

    [Test]
    public async Task Stop_of_an_inactive_or_stopping_flow_changes_nothing()
    {
        var id = await _registry.CreateAsync(Outbound(), Caller, CancellationToken.None);

        await _registry.StopAsync(id, Caller, CancellationToken.None);
        (await StatusOf(id)).Should().Be(FlowStatus.Inactive);

        await _registry.StartAsync(id, Caller, CancellationToken.None);
        _time.Advance(TransitionDelay);
        await _registry.StopAsync(id, Caller, CancellationToken.None);
        _time.Advance(TransitionDelay / 2);
        await _registry.StopAsync(id, Caller, CancellationToken.None);
        _time.Advance(TransitionDelay / 2);
        (await StatusOf(id)).Should().Be(FlowStatus.Inactive);
    }

    [Test]
    public async Task Start_of_a_stopping_flow_makes_it_starting_again()
    {
        var id = await ActiveFlow();
        await _registry.StopAsync(id, Caller, CancellationToken.None);

        await _registry.StartAsync(id, Caller, CancellationToken.None);

        (await StatusOf(id)).Should().Be(FlowStatus.Starting);
    }

    [Test]
    public async Task Delete_of_an_active_flow_is_a_conflict_and_keeps_the_flow()
    {
        var id = await ActiveFlow();

        var delete = () => _registry.DeleteAsync(id, Caller, CancellationToken.None);

        (await delete.Should().ThrowAsync<FlowRepositoryException>())
            .Which.Should().BeEquivalentTo(new
            {
                Failure = FlowFailure.Conflict,
                Message = $"Flow {id} is not inactive. Current status: active",
            });
        (await StatusOf(id)).Should().Be(FlowStatus.Active);
    }

    [Test]
    public async Task Delete_of_a_stopping_flow_is_a_conflict()
    {
        var id = await ActiveFlow();
        await _registry.StopAsync(id, Caller, CancellationToken.None);

        var delete = () => _registry.DeleteAsync(id, Caller, CancellationToken.None);

        (await delete.Should().ThrowAsync<FlowRepositoryException>())
            .Which.Message.Should().Be($"Flow {id} is not inactive. Current status: stopping");
    }

    [Test]
    public async Task Delete_of_a_stopped_flow_removes_it()
    {
        var id = await ActiveFlow();
        await _registry.StopAsync(id, Caller, CancellationToken.None);
        _time.Advance(TransitionDelay);

        await _registry.DeleteAsync(id, Caller, CancellationToken.None);

        (await StatusOf(id)).Should().BeNull();
        (await _registry.ListAsync(CancellationToken.None)).Should().BeEmpty();
    }

    [Test]
    public async Task Delete_of_an_unknown_flow_succeeds()
    {
        var delete = () => _registry.DeleteAsync(UnknownFlow, Caller, CancellationToken.None);

        await delete.Should().NotThrowAsync();
    }

    [Test]
    public async Task Status_of_an_unknown_flow_is_null()
    {
        (await StatusOf(UnknownFlow)).Should().BeNull();
    }

    [Test]
    public async Task Start_or_stop_of_an_unknown_flow_fails()
    {
        var start = () => _registry.StartAsync(UnknownFlow, Caller, CancellationToken.None);
        var stop = () => _registry.StopAsync(UnknownFlow, FlowCallContext.Service, CancellationToken.None);

        (await start.Should().ThrowAsync<FlowRepositoryException>())
            .Which.Should().BeEquivalentTo(new { Failure = FlowFailure.Failed, Message = $"Flow {UnknownFlow} not found" });
        (await stop.Should().ThrowAsync<FlowRepositoryException>()).Which.Failure.Should().Be(FlowFailure.Failed);
    }

    [Test]
    public async Task A_service_context_sees_flows_created_for_a_caller()
    {
        var id = await _registry.CreateAsync(Outbound(), Caller, CancellationToken.None);

        await _registry.StartAsync(id, FlowCallContext.Service, CancellationToken.None);

        (await _registry.GetStatusAsync(id, FlowCallContext.Service, CancellationToken.None))
            .Should().Be(FlowStatus.Starting);
    }

    [Test]
    public async Task State_survives_a_new_registry_on_the_same_file()
    {
        var active = await ActiveFlow();
        var inactive = await _registry.CreateAsync(Inbound("Snazzy", Operation.Create), Caller, CancellationToken.None);

        var reopened = CreateRegistry(TransitionDelay);

        (await reopened.GetStatusAsync(active, Caller, CancellationToken.None)).Should().Be(FlowStatus.Active);
        (await reopened.GetStatusAsync(inactive, Caller, CancellationToken.None)).Should().Be(FlowStatus.Inactive);
        (await reopened.ListAsync(CancellationToken.None)).Select(f => f.Id).Should().BeEquivalentTo([active, inactive]);
    }

    [Test]
    public async Task A_settled_status_is_stored_when_observed()
    {
        var id = await _registry.CreateAsync(Outbound(), Caller, CancellationToken.None);
        await _registry.StartAsync(id, Caller, CancellationToken.None);
        _time.Advance(TransitionDelay);
        (await StatusOf(id)).Should().Be(FlowStatus.Active);

        // A registry that would still wait an hour reads the stored, settled status.
        var patient = CreateRegistry(TimeSpan.FromHours(1));

        (await patient.GetStatusAsync(id, Caller, CancellationToken.None)).Should().Be(FlowStatus.Active);
        (await patient.ListAsync(CancellationToken.None)).Should().ContainSingle()
            .Which.StatusChangedAt.Should().Be(DispatchConfigurationBuilder.Now + TransitionDelay);
    }

    [Test]
    public async Task Concurrent_creates_all_succeed_with_distinct_ids()
    {
        const int count = 50;

        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(_ =>
            Task.Run(() => _registry.CreateAsync(Outbound(), Caller, CancellationToken.None))));

        ids.Should().OnlyHaveUniqueItems().And.HaveCount(count);
        (await _registry.ListAsync(CancellationToken.None)).Select(f => f.Id).Should().BeEquivalentTo(ids);
    }

    [Test]
    public async Task The_database_file_is_in_write_ahead_log_mode()
    {
        await _registry.CreateAsync(Outbound(), Caller, CancellationToken.None);

        (await _database.ScalarAsync("PRAGMA journal_mode;")).Should().Be("wal");
    }

    [Test]
    public async Task Database_failures_surface_as_an_unavailable_registry()
    {
        var broken = new StandaloneFlowRegistry(
            Options.Create(new StandaloneFlowRegistryOptions { Path = Path.GetTempPath() }), _time);

        var create = () => broken.CreateAsync(Outbound(), Caller, CancellationToken.None);

        (await create.Should().ThrowAsync<FlowRepositoryException>()).Which.Failure.Should().Be(FlowFailure.Unavailable);
    }

    [Test]
    public async Task A_failed_group_of_concurrent_creates_fails_every_creation_in_it()
    {
        var broken = new StandaloneFlowRegistry(
            Options.Create(new StandaloneFlowRegistryOptions { Path = Path.GetTempPath() }), _time);

        var creates = Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => broken.CreateAsync(Outbound(), Caller, CancellationToken.None)))
            .ToList();
        var all = Task.WhenAll(creates);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30)));

        all.IsCompleted.Should().BeTrue("no creation may hang when the group it was written with fails");
        creates.Should().OnlyContain(c => c.IsFaulted && c.Exception!.InnerException is FlowRepositoryException);
    }

    private static FlowId UnknownFlow { get; } = FlowId.Parse("0123456789abcdef01234567");

    private StandaloneFlowRegistry CreateRegistry(TimeSpan transitionDelay) =>
        new(
            Options.Create(new StandaloneFlowRegistryOptions { Path = _database.Path, TransitionDelay = transitionDelay }),
            _time);

    private Task<FlowStatus?> StatusOf(FlowId id) => _registry.GetStatusAsync(id, Caller, CancellationToken.None);

    private async Task<FlowId> ActiveFlow()
    {
        var id = await _registry.CreateAsync(Outbound(), Caller, CancellationToken.None);
        await _registry.StartAsync(id, Caller, CancellationToken.None);
        _time.Advance(TransitionDelay);
        return id;
    }

    private static FlowDefinition Outbound(string applicationName = "Wice") =>
        Definition(new AppBuilder("wice", applicationName).Outbound(ThreeAppExample.Person).Build(), Direction.Outbound);

    private static FlowDefinition Inbound(string applicationName, Operation operation) =>
        Definition(
            new AppBuilder("snazzy", applicationName).Inbound(ThreeAppExample.Person, operation).Build(), Direction.Inbound);

    private static FlowDefinition Definition(App app, Direction direction) =>
        new(ConfigurationId.New(), TenantId.Parse("tenant-a"), app, app.Side(direction).Connections[0]);
}
