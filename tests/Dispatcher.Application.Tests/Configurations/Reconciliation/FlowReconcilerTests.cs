using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.Reconciliation;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Tests.Support;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;
using Moq;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Application.Tests.Configurations.Reconciliation;

/// <summary>
/// <see cref="FlowReconciler"/> over the fake Flow Repository (listed two flows a page) and stored configurations
/// served by the repository mock (every read a fresh copy, as a store gives).
/// </summary>
public sealed class FlowReconcilerTests
{
    private const int PageSize = 2;
    private static readonly DateTimeOffset Now = DispatchConfigurationBuilder.Now;
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    private FlowWorld _world = null!;
    private List<Configuration> _stored = null!;

    [SetUp]
    public void SetUp()
    {
        _world = new FlowWorld(reconciler: o =>
        {
            o.PageSize = PageSize;
            o.OrphanGracePeriod = Grace;
        });
        _stored = [];
        _world.Repository.Setup(r => r.StreamAllAsync(It.IsAny<CancellationToken>()))
            .Returns(() => Stream(_stored.Select(StoredConfigurations.Copy).ToList()));
        _world.Repository.Setup(r => r.GetAsync(It.IsAny<TenantId>(), It.IsAny<ConfigurationId>(), It.IsAny<CancellationToken>()))
            .Returns((TenantId tenant, ConfigurationId id, CancellationToken _) =>
                Task.FromResult(_stored.Where(c => c.Tenant == tenant && c.Id == id).Select(StoredConfigurations.Copy).SingleOrDefault()));
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    // ---- how many calls ----

    [Test]
    public async Task A_round_lists_every_page_and_asks_for_no_status_when_every_referenced_flow_is_listed()
    {
        var configuration = Store(ThreeAppExample.Build());

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        report.Should().Be(new ReconcileReport(ConfigurationsChecked: 1, FlowsListed: 9, FlowCalls: 5, FlowsRecreated: 0, OrphansQueued: 0, Errors: 0));
        _world.Flows.Calls.Should().Equal("list first", "list 2", "list 4", "list 6", "list 8");
        _world.Queue.Writes.Should().BeEmpty();
        _world.Repository.Verify(r => r.UpdateAsync(It.IsAny<Configuration>(), It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()), Times.Never);
        configuration.Version.Should().Be(1);
    }

    [Test]
    public async Task A_referenced_flow_the_listing_missed_costs_one_status_call_and_is_left_alone_when_it_exists()
    {
        Store(ThreeAppExample.Build());
        _world.Flows.HiddenFromList.Add(FlowId.Parse(WiceOut)); // created after the listing passed it

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        _world.Flows.Calls.Where(c => c.StartsWith("status", StringComparison.Ordinal)).Should().Equal($"status {WiceOut}");
        report.FlowCalls.Should().Be(4 + 1, "four pages of eight listed flows and one status call");
        report.FlowsListed.Should().Be(8);
        report.FlowsRecreated.Should().Be(0);
        _world.Flows.Creates.Should().BeEmpty();
        _world.Queue.Writes.Should().BeEmpty();
    }

    [Test]
    public async Task A_flow_missing_from_an_inactive_side_is_not_looked_at()
    {
        Store(ThreeAppExample.Build());
        _world.Flows.Vanish(FlowId.Parse(OutlookOut)); // Outlook's outbound side is inactive

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        _world.Flows.Calls.Should().OnlyContain(c => c.StartsWith("list", StringComparison.Ordinal));
        report.FlowsRecreated.Should().Be(0);
        _world.Flows.Creates.Should().BeEmpty();
    }

    // ---- re-provisioning ----

    [Test]
    public async Task A_vanished_flow_of_an_active_side_is_provisioned_again_through_the_writer()
    {
        var configuration = Store(ThreeAppExample.Build());
        var connection = configuration.Apps.SelectMany(a => a.Connections).Single(c => c.FlowId == FlowId.Parse(WiceCreate));
        _world.Flows.Vanish(FlowId.Parse(WiceCreate));

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        report.FlowsRecreated.Should().Be(1);
        report.Errors.Should().Be(0);
        var created = _world.Flows.Creates.Should().ContainSingle().Subject;
        created.Connection.Id.Should().Be(connection.Id);
        created.ConfigurationId.Should().Be(configuration.Id);
        var newFlow = FakeFlowRepository.FlowFor(connection);
        var saved = (Configuration)_world.Repository.Invocations.Single(i => i.Method.Name == nameof(IConfigurationRepository.UpdateAsync)).Arguments[0];
        saved.FindConnection(connection.Id)!.Value.Connection.FlowId.Should().Be(newFlow);
        var write = _world.Queue.Writes.Should().ContainSingle().Subject;
        write.Source.Should().Be("Update");
        write.Work.Select(w => (w.FlowId.Value, w.Kind)).Should().BeEquivalentTo(new[]
        {
            (WiceCreate, FlowWorkKind.Remove), // forgets its destination
            (newFlow.Value, FlowWorkKind.DeclareDestination),
        });
        _world.Flows.Calls.Count(c => c == $"status {WiceCreate}").Should().Be(1);
    }

    [Test]
    public async Task An_active_connection_without_a_flow_gets_one_without_a_status_call()
    {
        var configuration = ThreeAppExample.Build();
        var crm = new AppBuilder("crm42", "Other CRM").Outbound(Person).Build();
        configuration.AddApp(crm, Now);
        Store(configuration);

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        report.FlowsRecreated.Should().Be(1);
        _world.Flows.Creates.Should().ContainSingle().Which.Connection.Id.Should().Be(crm.Outbound.Connections[0].Id);
        _world.Flows.Calls.Should().NotContain(c => c.StartsWith("status", StringComparison.Ordinal));
        _world.Queue.Writes.Should().ContainSingle().Which.Work.Should().ContainSingle()
            .Which.Kind.Should().Be(FlowWorkKind.Start);
    }

    [Test]
    public async Task A_configuration_that_fails_is_counted_and_the_others_are_still_reconciled()
    {
        Store(ThreeAppExample.Build()); // its WiceOut cannot be checked
        _world.Flows.HiddenFromList.Add(FlowId.Parse(WiceOut));
        _world.Flows.Unreachable.Add(FlowId.Parse(WiceOut));
        var second = ThreeAppExample.Build("tenant-b");
        foreach (var connection in second.Apps.SelectMany(a => a.Connections).ToList())
        {
            second.UnassignFlow(connection.Id, Now); // the same flow ids would clash with the first
        }

        Store(second);

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        report.Errors.Should().Be(1);
        report.ConfigurationsChecked.Should().Be(2);
        report.FlowsRecreated.Should().Be(8, "every active connection of the second configuration got a flow");
        _world.Flows.Creates.Should().OnlyContain(d => d.ConfigurationId == second.Id);
    }

    [Test]
    public async Task A_conflicting_save_while_re_provisioning_is_an_error_and_the_new_flow_is_queued_for_removal()
    {
        var configuration = Store(ThreeAppExample.Build());
        _world.Flows.Vanish(FlowId.Parse(WiceCreate));
        _world.Repository.Setup(r => r.UpdateAsync(It.IsAny<Configuration>(), It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConcurrencyConflictException("changed meanwhile"));

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        report.Errors.Should().Be(1);
        var created = FakeFlowRepository.FlowFor(_world.Flows.Creates.Single().Connection);
        var write = _world.Queue.Writes.Should().ContainSingle().Subject;
        write.Source.Should().Be("Enqueue");
        write.Work.Should().ContainSingle().Which.Should().Be(new FlowWork(created, FlowWorkKind.Remove, configuration.Tenant, configuration.Id, Now));
    }

    // ---- orphans ----

    [Test]
    public async Task An_owned_unreferenced_flow_older_than_the_grace_period_is_queued_for_removal_and_removed()
    {
        Store(ThreeAppExample.Build());
        var owner = new FlowOwner(ConfigurationId.New(), ConnectionId.New());
        var orphan = FlowId.Parse("orphan-1");
        _world.Flows.Seed(orphan, FlowStatus.Inactive, owner, Now - Grace);

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        report.OrphansQueued.Should().Be(1);
        var write = _world.Queue.Writes.Should().ContainSingle().Subject;
        write.Source.Should().Be("Enqueue");
        write.Work.Should().Equal(new FlowWork(orphan, FlowWorkKind.Remove, null, owner.ConfigurationId, Now));
        _world.Flows.Calls.Should().NotContain(c => c.Contains(orphan.Value, StringComparison.Ordinal), "the reconciler only queues; the runner removes");

        await _world.RunDueAsync();

        _world.Flows.Done("delete").Should().Equal(orphan.Value);
        _world.Destinations.Verify(d => d.RemoveAsync(orphan, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task An_owned_unreferenced_flow_younger_than_the_grace_period_is_left_alone()
    {
        Store(ThreeAppExample.Build());
        _world.Flows.Seed(FlowId.Parse("young-1"), FlowStatus.Inactive, new FlowOwner(ConfigurationId.New(), ConnectionId.New()),
            Now - Grace + TimeSpan.FromSeconds(1)); // a write may still be committing it

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        report.OrphansQueued.Should().Be(0);
        _world.Queue.Writes.Should().BeEmpty();
    }

    [Test]
    public async Task A_flow_this_service_did_not_create_is_never_touched()
    {
        Store(ThreeAppExample.Build());
        var foreign = FlowId.Parse("foreign-1");
        _world.Flows.Seed(foreign, FlowStatus.Active, owner: null, createdAt: Now.AddYears(-1));

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        report.OrphansQueued.Should().Be(0);
        report.FlowsListed.Should().Be(10);
        _world.Queue.Writes.Should().BeEmpty();
        _world.Flows.Calls.Should().OnlyContain(c => c.StartsWith("list", StringComparison.Ordinal));
        _world.Flows.StatusOf(foreign).Should().Be(FlowStatus.Active);
    }

    [Test]
    public async Task A_referenced_flow_is_never_queued_whatever_its_owner_says()
    {
        var configuration = Store(ThreeAppExample.Build());
        _world.Flows.Seed(FlowId.Parse(WiceOut), FlowStatus.Active, new FlowOwner(ConfigurationId.New(), ConnectionId.New()), Now.AddYears(-1));

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        report.OrphansQueued.Should().Be(0, "all nine flows are old and owned, but referenced by {0}", configuration.Id);
        _world.Queue.Writes.Should().BeEmpty();
    }

    [Test]
    public async Task A_flow_referenced_by_a_configuration_of_another_tenant_is_not_an_orphan()
    {
        Store(ThreeAppExample.Build());
        var other = new DispatchConfigurationBuilder().ForTenant("tenant-b")
            .With(new AppBuilder("crm42").Outbound(Person, "crm-out")).Build();
        Store(other);

        var report = await _world.Reconciler.ReconcileAsync(CancellationToken.None);

        report.OrphansQueued.Should().Be(0);
        report.FlowsListed.Should().Be(10);
    }

    // ---- helpers ----

    /// <summary>Stores the configuration (version 1, no pending events) and seeds its flows, old and owned, active.</summary>
    private Configuration Store(Configuration configuration)
    {
        configuration.MarkPersisted();
        configuration.ClearDomainEvents();
        _world.Flows.SeedAll(configuration, FlowStatus.Active, Now.AddDays(-1));
        _stored.Add(configuration);
        return configuration;
    }

    private static async IAsyncEnumerable<Configuration> Stream(IEnumerable<Configuration> configurations)
    {
        foreach (var configuration in configurations)
        {
            await Task.Yield();
            yield return configuration;
        }
    }
}
