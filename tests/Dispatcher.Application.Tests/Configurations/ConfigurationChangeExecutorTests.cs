using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Domain.Tests.Builders;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using static Dispatcher.Domain.Tests.Builders.ThreeAppExample;

namespace Dispatcher.Application.Tests.Configurations;

public sealed class ConfigurationChangeExecutorTests
{
    private const string Wice = "wice5678";
    private static readonly DateTimeOffset Now = ConfigurationBuilder.Now;

    // What happened, in order: "repository.Add", "repository.Update", "repository.Delete", "stop <flow>", "delete <flow>".
    private List<string> _calls = null!;
    private List<FlowDefinition> _createRequests = null!;
    private Dictionary<string, FlowStatus?> _status = null!; // a flow not listed is inactive
    private HashSet<string> _undeletable = null!;
    private int? _failingCreate;

    private Mock<IConfigurationRepository> _repository = null!;
    private Mock<IFlowCleanupQueue> _cleanups = null!;
    private Mock<IDispatchDestinations> _destinations = null!;
    private RoutingTable _table = null!;
    private ConfigurationChangeExecutor _executor = null!;

    [SetUp]
    public void SetUp()
    {
        _calls = [];
        _createRequests = [];
        _status = [];
        _undeletable = [];
        _failingCreate = null;

        _repository = new Mock<IConfigurationRepository>();
        _repository.Setup(r => r.AddAsync(It.IsAny<Configuration>(), It.IsAny<CancellationToken>()))
            .Returns(() => Record("repository.Add"));
        _repository.Setup(r => r.UpdateAsync(It.IsAny<Configuration>(), It.IsAny<CancellationToken>()))
            .Returns(() => Record("repository.Update"));
        _repository.Setup(r => r.DeleteAsync(It.IsAny<Configuration>(), It.IsAny<CancellationToken>()))
            .Returns(() => Record("repository.Delete"));

        var flows = new Mock<IFlowProvisioner>();
        flows.Setup(f => f.CreateAsync(It.IsAny<FlowDefinition>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()))
            .Returns((FlowDefinition definition, FlowCallContext _, CancellationToken _) => Create(definition));
        flows.Setup(f => f.GetStatusAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()))
            .Returns((FlowId flowId, FlowCallContext _, CancellationToken token) => token.IsCancellationRequested
                ? Task.FromCanceled<FlowStatus?>(token) // as an HTTP call does once its request is cancelled
                : Task.FromResult(_status.TryGetValue(flowId.Value, out var status) ? status : FlowStatus.Inactive));
        flows.Setup(f => f.StopAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()))
            .Returns((FlowId flowId, FlowCallContext _, CancellationToken _) =>
            {
                _status[flowId.Value] = FlowStatus.Inactive; // a repository that stops at once
                return Record($"stop {flowId}");
            });
        flows.Setup(f => f.StartAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()))
            .Returns((FlowId flowId, FlowCallContext _, CancellationToken _) => Record($"start {flowId}"));
        flows.Setup(f => f.DeleteAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()))
            .Returns((FlowId flowId, FlowCallContext _, CancellationToken _) => _undeletable.Contains(flowId.Value)
                ? Task.FromException(new FlowRepositoryException(FlowFailure.Conflict, $"Flow {flowId} is not inactive."))
                : Record($"delete {flowId}"));

        _cleanups = new Mock<IFlowCleanupQueue>();
        _cleanups.Setup(q => q.AddAsync(It.IsAny<IEnumerable<PendingFlowCleanup>>(), It.IsAny<CancellationToken>()))
            .Returns((IEnumerable<PendingFlowCleanup> items, CancellationToken _) => Record($"queue {string.Join(",", items.Select(i => i.FlowId))}"));
        _destinations = new Mock<IDispatchDestinations>();
        var time = new FakeTimeProvider(Now);
        var options = Options.Create(new FlowProvisioningOptions { MaxParallelism = 1 });
        _table = new RoutingTable();
        _executor = new ConfigurationChangeExecutor(
            _repository.Object,
            flows.Object,
            new FlowRemover(flows.Object, _cleanups.Object, time, options, NullLogger<FlowRemover>.Instance),
            _table,
            Mock.Of<IConfigurationChangeNotifier>(),
            _destinations.Object,
            new FlowActivation(flows.Object, time, Options.Create(new DispatchOptions()), NullLogger<FlowActivation>.Instance),
            new DispatcherMetrics(),
            time,
            options,
            NullLogger<ConfigurationChangeExecutor>.Instance);
    }

    // ---- a new configuration ----

    [Test]
    public async Task Creates_one_flow_for_each_connection_on_an_active_side()
    {
        var configuration = UnprovisionedThreeApps();

        await SaveAsync(configuration, FlowSnapshot.None);

        var onActiveSides = configuration.Apps
            .SelectMany(a => new[] { a.Outbound, a.Inbound }).Where(s => s.Active).SelectMany(s => s.Connections);
        _createRequests.Select(d => d.Connection.Id).Should().BeEquivalentTo(onActiveSides.Select(c => c.Id));
        _createRequests.Should().HaveCount(8);
    }

    [Test]
    public async Task Assigns_each_created_flow_to_the_connection_it_was_created_for()
    {
        var configuration = UnprovisionedThreeApps();

        var result = await SaveAsync(configuration, FlowSnapshot.None);

        var provisioned = configuration.Apps.SelectMany(a => a.Connections).Where(c => c.IsProvisioned).ToList();
        provisioned.Should().HaveCount(8).And.OnlyContain(c => c.FlowId == FlowFor(c));
        result.Configuration!.Applications.SelectMany(a => a.Inbound.Flows).Should().OnlyContain(c => c.FlowId != null);
    }

    [Test]
    public async Task A_connection_on_an_inactive_side_gets_no_flow()
    {
        var configuration = UnprovisionedThreeApps();
        var outlookOut = ConnectionOf(configuration, "outlook9012", operation: null);

        await SaveAsync(configuration, FlowSnapshot.None);

        outlookOut.FlowId.Should().BeNull();
        _createRequests.Should().NotContain(d => d.Connection.Id == outlookOut.Id);
    }

    [Test]
    public async Task A_new_configuration_is_added_once_and_never_updated()
    {
        var configuration = UnprovisionedThreeApps();

        await SaveAsync(configuration, FlowSnapshot.None);

        _calls.Where(c => c.StartsWith("repository")).Should().Equal("repository.Add");
        _repository.Verify(r => r.AddAsync(configuration, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task After_the_save_the_outbound_flows_of_active_sides_are_started_and_inbound_ones_are_not()
    {
        var configuration = UnprovisionedThreeApps();

        await SaveAsync(configuration, FlowSnapshot.None);

        var activeOutbound = configuration.Apps.Where(a => a.Outbound.Active)
            .SelectMany(a => a.Outbound.Connections).Select(c => $"start {c.FlowId}").ToList();
        activeOutbound.Should().NotBeEmpty();
        _calls.Where(c => c.StartsWith("start")).Should().BeEquivalentTo(activeOutbound);
        _calls.IndexOf("repository.Add").Should().BeLessThan(_calls.FindIndex(c => c.StartsWith("start")), "flows start only once the configuration is stored");
    }

    [Test]
    public async Task Flows_that_cannot_be_removed_are_queued_for_the_reconciler()
    {
        var (configuration, before) = StoredExample();
        var wice = AppOf(configuration, Wice);
        _undeletable.Add(wice.Inbound.Connections[0].FlowId!.Value.Value);

        var result = await SaveAsync(RemoveApp(configuration, wice), before);

        result.PendingCleanup.Should().Equal(wice.Inbound.Connections[0].FlowId!.Value.Value);
        _calls.Should().Contain($"queue {wice.Inbound.Connections[0].FlowId}");
        _destinations.Verify(d => d.RemoveAsync(wice.Outbound.Connections[0].FlowId!.Value, It.IsAny<CancellationToken>()), Times.Once);
        _destinations.Verify(d => d.RemoveAsync(wice.Inbound.Connections[0].FlowId!.Value, It.IsAny<CancellationToken>()), Times.Never,
            "a flow still there keeps its destination");
    }

    [Test]
    public async Task Events_from_a_new_outbound_flow_route_to_the_new_inbound_flows_of_the_other_apps()
    {
        var configuration = UnprovisionedThreeApps();

        await SaveAsync(configuration, FlowSnapshot.None);

        var snazzyOut = FlowFor(ConnectionOf(configuration, "snazzy1234", operation: null));
        _table.Route(Events.From(snazzyOut.Value, Operation.Create)).Targets.Select(t => t.FlowId).Should().Equal(
            FlowFor(ConnectionOf(configuration, Wice, Operation.Create)),
            FlowFor(ConnectionOf(configuration, "outlook9012", Operation.Create)));
    }

    // ---- a failing create ----

    [Test]
    public async Task A_failing_create_names_the_connection_and_the_app_and_keeps_the_failure_kind()
    {
        _failingCreate = 3;

        var act = () => SaveAsync(UnprovisionedThreeApps(), FlowSnapshot.None);

        var error = (await act.Should().ThrowAsync<FlowProvisioningFailedException>()).Which;
        var failed = _createRequests[2];
        error.Failure.Should().Be(FlowFailure.Failed);
        error.Message.Should().Contain(failed.Connection.Id.Value).And.Contain($"'{failed.App.ApplicationName}'");
    }

    [Test]
    public async Task A_failing_create_deletes_the_flows_created_before_it()
    {
        _failingCreate = 3;

        var act = () => SaveAsync(UnprovisionedThreeApps(), FlowSnapshot.None);

        await act.Should().ThrowAsync<FlowProvisioningFailedException>();
        _createRequests.Should().HaveCount(3, "creation stops at the first failure");
        Flows("delete").Should().BeEquivalentTo(_createRequests.Take(2).Select(d => FlowFor(d.Connection).Value));
    }

    [Test]
    public async Task A_failing_create_saves_nothing_and_routes_nothing()
    {
        _failingCreate = 3;

        var act = () => SaveAsync(UnprovisionedThreeApps(), FlowSnapshot.None);

        await act.Should().ThrowAsync<FlowProvisioningFailedException>();
        _repository.Invocations.Should().BeEmpty();
        _table.ConfigurationCount.Should().Be(0);
    }

    // ---- a failing save ----

    [Test]
    public async Task A_conflicting_save_deletes_the_flows_this_change_created_and_propagates()
    {
        var (configuration, before) = StoredExample();
        configuration.AddApp(new AppBuilder("crm42", "Other CRM").Outbound(Person).Inbound(Person, Operation.Create).Build(), Now);
        _repository.Setup(r => r.UpdateAsync(configuration, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConcurrencyConflictException("The configuration changed meanwhile."));

        var act = () => SaveAsync(configuration, before);

        await act.Should().ThrowAsync<ConcurrencyConflictException>();
        _createRequests.Should().HaveCount(2);
        Flows("delete").Should().BeEquivalentTo(_createRequests.Select(d => FlowFor(d.Connection).Value));
    }

    // ---- removed connections ----

    [Test]
    public async Task Flows_of_removed_connections_are_deleted_after_the_save()
    {
        var (configuration, before) = StoredExampleWithoutWice();

        var result = await SaveAsync(configuration, before);

        _calls.Should().StartWith("repository.Update");
        Flows("delete").Should().BeEquivalentTo(WiceOut, WiceCreate, WiceUpdate);
        Flows("stop").Should().BeEmpty("the flows were inactive");
        result.PendingCleanup.Should().BeEmpty();
    }

    [Test]
    public async Task Flows_of_removed_connections_are_still_removed_when_the_request_is_cancelled_after_the_save()
    {
        var (configuration, before) = StoredExampleWithoutWice();
        using var request = new CancellationTokenSource();
        _repository.Setup(r => r.UpdateAsync(configuration, It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                request.Cancel(); // the client goes away while the (successful) save is in flight
                return Record("repository.Update");
            });

        var act = () => _executor.SaveAsync(configuration, before, FlowCallContext.Service, request.Token);

        await act.Should().NotThrowAsync("the change is saved; only its clean-up is left");
        Flows("delete").Should().BeEquivalentTo(WiceOut, WiceCreate, WiceUpdate);
    }

    [Test]
    public async Task A_running_flow_of_a_removed_connection_is_stopped_before_it_is_deleted()
    {
        var (configuration, before) = StoredExampleWithoutWice();
        _status[WiceOut] = FlowStatus.Active;
        _status[WiceCreate] = FlowStatus.Starting;

        await SaveAsync(configuration, before);

        Flows("stop").Should().BeEquivalentTo(WiceOut, WiceCreate);
        _calls.Should().ContainInOrder("repository.Update", $"stop {WiceOut}", $"delete {WiceOut}");
        _calls.Should().ContainInOrder("repository.Update", $"stop {WiceCreate}", $"delete {WiceCreate}");
    }

    [Test]
    public async Task A_flow_that_cannot_be_deleted_is_reported_as_pending_and_the_others_are_still_deleted()
    {
        var (configuration, before) = StoredExampleWithoutWice();
        _undeletable.Add(WiceCreate);

        var result = await SaveAsync(configuration, before);

        result.PendingCleanup.Should().Equal(WiceCreate);
        Flows("delete").Should().BeEquivalentTo(WiceOut, WiceUpdate);
    }

    [Test]
    public async Task A_flow_that_is_already_gone_is_not_deleted_again()
    {
        var (configuration, before) = StoredExampleWithoutWice();
        _status[WiceUpdate] = null;

        var result = await SaveAsync(configuration, before);

        Flows("delete").Should().BeEquivalentTo(WiceOut, WiceCreate);
        result.PendingCleanup.Should().BeEmpty();
    }

    // ---- a side switched off ----

    [Test]
    public async Task Flows_of_a_side_switched_off_are_stopped_but_not_deleted()
    {
        var (configuration, before) = StoredExample();
        _status[WiceCreate] = FlowStatus.Active;
        _status[WiceUpdate] = FlowStatus.Active;
        configuration.DeactivateSide(AppOf(configuration, Wice).Id, Direction.Inbound, Now);

        await SaveAsync(configuration, before);

        _calls.Should().StartWith("repository.Update");
        Flows("stop").Should().BeEquivalentTo(WiceCreate, WiceUpdate);
        Flows("delete").Should().BeEmpty();
        ConnectionOf(configuration, Wice, Operation.Create).FlowId.Should().Be(FlowId.Parse(WiceCreate));
    }

    [Test]
    public async Task A_side_switched_off_no_longer_receives_events()
    {
        var (configuration, before) = StoredExample();
        _table.Upsert(configuration);
        configuration.DeactivateSide(AppOf(configuration, Wice).Id, Direction.Inbound, Now);

        await SaveAsync(configuration, before);

        _table.Route(Events.From(SnazzyOut, Operation.Create)).Targets.Select(t => t.FlowId.Value).Should().Equal(OutlookCreate);
    }

    // ---- deleting a configuration ----

    [Test]
    public async Task Deleting_a_configuration_deletes_it_then_every_one_of_its_flows()
    {
        var (configuration, _) = StoredExample();

        var result = await _executor.DeleteAsync(configuration, FlowCallContext.Service, CancellationToken.None);

        _calls.Should().StartWith("repository.Delete");
        Flows("delete").Should().BeEquivalentTo(
            SnazzyOut, SnazzyCreate, SnazzyUpdate, WiceOut, WiceCreate, WiceUpdate, OutlookOut, OutlookCreate, OutlookUpdate);
        result.Configuration.Should().BeNull();
        result.PendingCleanup.Should().BeEmpty();
    }

    [Test]
    public async Task Flows_of_a_deleted_configuration_are_still_removed_when_the_request_is_cancelled_after_the_delete()
    {
        var (configuration, _) = StoredExample();
        using var request = new CancellationTokenSource();
        _repository.Setup(r => r.DeleteAsync(configuration, It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                request.Cancel(); // the client goes away while the (successful) delete is in flight
                return Record("repository.Delete");
            });

        var act = () => _executor.DeleteAsync(configuration, FlowCallContext.Service, request.Token);

        await act.Should().NotThrowAsync("the configuration is deleted; only its clean-up is left");
        Flows("delete").Should().HaveCount(9);
    }

    [Test]
    public async Task Deleting_a_configuration_removes_it_from_the_routing_table()
    {
        var (configuration, _) = StoredExample();
        _table.Upsert(configuration);

        await _executor.DeleteAsync(configuration, FlowCallContext.Service, CancellationToken.None);

        _table.ConfigurationCount.Should().Be(0);
        _table.Route(Events.From(SnazzyOut, Operation.Create)).Outcome.Should().Be(RoutingOutcome.UnknownSource);
    }

    // ---- helpers ----

    private Task<ConfigurationChangeResult> SaveAsync(Configuration configuration, FlowSnapshot before) =>
        _executor.SaveAsync(configuration, before, FlowCallContext.Service, CancellationToken.None);

    private Task Record(string call)
    {
        _calls.Add(call);
        return Task.CompletedTask;
    }

    private Task<FlowId> Create(FlowDefinition definition)
    {
        _createRequests.Add(definition);
        return _createRequests.Count == _failingCreate
            ? Task.FromException<FlowId>(new FlowRepositoryException(FlowFailure.Failed, "The Flow Repository answered 500."))
            : Task.FromResult(FlowFor(definition.Connection));
    }

    /// <summary>The ids of the flows that were successfully stopped or deleted (<paramref name="verb"/>).</summary>
    private IEnumerable<string> Flows(string verb) =>
        _calls.Where(c => c.StartsWith($"{verb} ", StringComparison.Ordinal)).Select(c => c[(verb.Length + 1)..]);

    /// <summary>The flow id the fake Flow Repository gives a connection's flow.</summary>
    private static FlowId FlowFor(Connection connection) => FlowId.Parse($"flow-{connection.Id}");

    /// <summary>The README example as stored (version 1, every connection provisioned) and its flows before a change.</summary>
    private static Configuration RemoveApp(Configuration configuration, App app)
    {
        configuration.RemoveApp(app.Id, Now.AddMinutes(1));
        return configuration;
    }

    private static (Configuration Configuration, FlowSnapshot Before) StoredExample()
    {
        var configuration = ThreeAppExample.Build();
        configuration.MarkPersisted();
        return (configuration, FlowSnapshot.Of(configuration));
    }

    private static (Configuration Configuration, FlowSnapshot Before) StoredExampleWithoutWice()
    {
        var (configuration, before) = StoredExample();
        configuration.RemoveApp(AppOf(configuration, Wice).Id, Now);
        return (configuration, before);
    }

    /// <summary>The README example before its first save: no connection has a flow; Outlook's outbound side is off.</summary>
    private static Configuration UnprovisionedThreeApps() => new ConfigurationBuilder()
        .With(new AppBuilder("snazzy1234", "SnazzyContacts")
            .Outbound(Person).Inbound(Person, Operation.Create).Inbound(Person, Operation.Update))
        .With(new AppBuilder(Wice, "Wice CRM")
            .Outbound(Person).Inbound(Person, Operation.Create).Inbound(Person, Operation.Update))
        .With(new AppBuilder("outlook9012", "MS Outlook")
            .Outbound(Person).OutboundInactive().Inbound(Person, Operation.Create).Inbound(Person, Operation.Update))
        .Build();

    private static App AppOf(Configuration configuration, string applicationUid) =>
        configuration.Apps.Single(a => a.ApplicationUid.Value == applicationUid);

    /// <summary>The app's connection for <paramref name="operation"/>; null means its outbound connection.</summary>
    private static Connection ConnectionOf(Configuration configuration, string applicationUid, Operation? operation) =>
        AppOf(configuration, applicationUid).Connections.Single(c => c.Operation == operation);
}
