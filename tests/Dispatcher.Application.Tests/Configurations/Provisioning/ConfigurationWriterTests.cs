using Dispatcher.TestSupport.Domain;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Tests.Support;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.TestSupport;
using Dispatcher.Testing;
using Moq;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Application.Tests.Configurations.Provisioning;

/// <summary>
/// <see cref="ConfigurationWriter"/> with the real provisioning, flow work runner, executor and remover over a fake
/// Flow Repository and an in-memory flow work queue. A save stores its flow work in the same repository call as the
/// change; the runner carries it out. The writer answers at once here (AnswerWait zero) unless a test is about
/// the wait; the runner is driven by the tests.
/// </summary>
public sealed class ConfigurationWriterTests
{
    private const string Wice = "wice5678";
    private static readonly DateTimeOffset Now = DispatchConfigurationBuilder.Now;
    private static readonly TimeSpan Recheck = FlowRemover.RecheckDelay;

    private FlowWorld _world = null!;

    [SetUp]
    public void SetUp() => _world = new FlowWorld();

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    // ---- a new configuration ----

    [Test]
    public async Task Creates_one_flow_for_each_connection_on_an_active_side()
    {
        var configuration = UnprovisionedThreeApps();

        await SaveAsync(configuration);

        var onActiveSides = configuration.Apps
            .SelectMany(a => new[] { a.Outbound, a.Inbound }).Where(s => s.Active).SelectMany(s => s.Connections);
        _world.Flows.Creates.Select(d => d.Connection.Id).Should().BeEquivalentTo(onActiveSides.Select(c => c.Id));
        _world.Flows.Creates.Should().HaveCount(8).And.OnlyContain(d => d.ConfigurationId == configuration.Id && d.Tenant == configuration.Tenant);
    }

    [Test]
    public async Task Assigns_each_created_flow_to_the_connection_it_was_created_for()
    {
        var configuration = UnprovisionedThreeApps();

        var result = await SaveAsync(configuration);

        var provisioned = configuration.Apps.SelectMany(a => a.Connections).Where(c => c.IsProvisioned).ToList();
        provisioned.Should().HaveCount(8).And.OnlyContain(c => c.FlowId == FakeFlowRepository.FlowFor(c));
        result.Configuration!.Applications.SelectMany(a => a.Inbound.Flows).Should().OnlyContain(c => c.FlowId != null);
        result.PendingCleanup.Should().BeEmpty();
    }

    [Test]
    public async Task Each_created_flow_records_the_connection_it_was_created_for()
    {
        var configuration = UnprovisionedThreeApps();

        await SaveAsync(configuration);

        foreach (var connection in configuration.Apps.SelectMany(a => a.Connections).Where(c => c.IsProvisioned))
        {
            _world.Flows.Flows[connection.FlowId!.Value.Value].Owner.Should().Be(new FlowOwner(configuration.Id, connection.Id));
        }
    }

    [Test]
    public async Task A_connection_on_an_inactive_side_gets_no_flow()
    {
        var configuration = UnprovisionedThreeApps();
        var outlookOut = ConnectionOf(configuration, "outlook9012", operation: null);

        await SaveAsync(configuration);

        outlookOut.FlowId.Should().BeNull();
        _world.Flows.Creates.Should().NotContain(d => d.Connection.Id == outlookOut.Id);
    }

    [Test]
    public async Task A_new_configuration_is_added_once_together_with_its_flow_work()
    {
        var configuration = UnprovisionedThreeApps();

        await SaveAsync(configuration);

        _world.Repository.Verify(r => r.AddAsync(configuration, It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()), Times.Once);
        _world.Repository.Verify(r => r.UpdateAsync(It.IsAny<Configuration>(), It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()), Times.Never);
        var write = _world.Queue.Writes.Should().ContainSingle().Subject;
        write.Source.Should().Be("Add");
        write.Work.Should().BeEquivalentTo(
            Work(Flow(configuration, "snazzy1234", null), FlowWorkKind.Start, configuration)
                .Concat(Work(Flow(configuration, Wice, null), FlowWorkKind.Start, configuration))
                .Concat(new[] { ("snazzy1234", Operation.Create), ("snazzy1234", Operation.Update), (Wice, Operation.Create), (Wice, Operation.Update), ("outlook9012", Operation.Create), ("outlook9012", Operation.Update) }
                    .SelectMany(x => Work(Flow(configuration, x.Item1, x.Item2), FlowWorkKind.DeclareDestination, configuration))));
        configuration.Version.Should().Be(1);
        configuration.DomainEvents.Should().BeEmpty("the events were turned into stored work");
    }

    [Test]
    public async Task Nothing_is_started_before_the_runner_runs_then_the_runner_starts_the_outbound_flows_and_declares_the_inbound_destinations()
    {
        var configuration = UnprovisionedThreeApps();
        await SaveAsync(configuration);
        _world.Flows.Done("start").Should().BeEmpty("the save only stores the work");
        _world.Destinations.Invocations.Should().BeEmpty();

        await _world.RunDueAsync();

        var activeOutbound = configuration.Apps.Where(a => a.Outbound.Active)
            .SelectMany(a => a.Outbound.Connections).Select(c => c.FlowId!.Value.Value).ToList();
        activeOutbound.Should().HaveCount(2);
        _world.Flows.Done("start").Should().BeEquivalentTo(activeOutbound);
        var inbound = configuration.Apps.SelectMany(a => a.Inbound.Connections).Select(c => c.FlowId!.Value).ToList();
        foreach (var flowId in inbound)
        {
            _world.Destinations.Verify(d => d.EnsureAsync(flowId, It.IsAny<CancellationToken>()), Times.Once);
        }

        _world.Destinations.Verify(d => d.EnsureAsync(It.IsAny<FlowId>(), It.IsAny<CancellationToken>()), Times.Exactly(6));
        _world.Queue.Entries.Should().BeEmpty();
    }

    [Test]
    public async Task Events_from_a_new_outbound_flow_route_to_the_new_inbound_flows_of_the_other_apps()
    {
        var configuration = UnprovisionedThreeApps();

        await SaveAsync(configuration);

        var snazzyOut = Flow(configuration, "snazzy1234", null);
        _world.Routing.Route(RecordEvents.From(snazzyOut.Value, Operation.Create)).Targets.Select(t => t.FlowId).Should().Equal(
            Flow(configuration, Wice, Operation.Create),
            Flow(configuration, "outlook9012", Operation.Create));
    }

    [Test]
    public async Task The_change_is_announced_after_it_is_stored()
    {
        var configuration = UnprovisionedThreeApps();

        await SaveAsync(configuration);

        _world.History.Should().Equal("repository.Add", $"notify {configuration.Id}");
    }

    [Test]
    public async Task A_failing_announcement_does_not_fail_the_stored_save()
    {
        var configuration = UnprovisionedThreeApps();
        _world.Notifier.Setup(n => n.NotifyAsync(It.IsAny<Configuration>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new TimeoutException("broker down"));

        var result = await SaveAsync(configuration);

        result.Configuration.Should().NotBeNull();
        _world.Routing.ConfigurationCount.Should().Be(1);
        _world.Queue.Entries.Should().HaveCount(8);
    }

    // ---- a failing create ----

    [Test]
    public async Task A_failing_create_names_the_connection_and_the_app_and_keeps_the_failure_kind()
    {
        _world.Flows.FailingCreate = 3;

        var act = () => SaveAsync(UnprovisionedThreeApps());

        var error = (await act.Should().ThrowAsync<FlowProvisioningFailedException>()).Which;
        var failed = _world.Flows.Creates[2];
        error.Failure.Should().Be(FlowFailure.Failed);
        error.Message.Should().Contain(failed.Connection.Id.Value).And.Contain($"'{failed.App.ApplicationName}'");
    }

    [Test]
    public async Task A_failing_create_queues_the_removal_of_the_flows_created_before_it_and_the_runner_deletes_them()
    {
        _world.Flows.FailingCreate = 3;
        var configuration = UnprovisionedThreeApps();

        var act = () => SaveAsync(configuration);

        await act.Should().ThrowAsync<FlowProvisioningFailedException>();
        _world.Flows.Creates.Should().HaveCount(3, "creation stops at the first failure");
        var created = _world.Flows.Creates.Take(2).Select(d => FakeFlowRepository.FlowFor(d.Connection)).ToList();
        var write = _world.Queue.Writes.Should().ContainSingle().Subject;
        write.Source.Should().Be("Enqueue");
        write.Work.Should().BeEquivalentTo(created.SelectMany(flowId => Work(flowId, FlowWorkKind.Remove, configuration)));
        _world.Flows.Done("delete").Should().BeEmpty("the rollback is queued, not done inline");

        await _world.RunDueAsync();

        _world.Flows.Done("delete").Should().BeEquivalentTo(created.Select(f => f.Value));
        _world.Flows.Flows.Should().BeEmpty();
        _world.Queue.Entries.Should().BeEmpty();
    }

    [Test]
    public async Task A_failing_create_saves_nothing_and_routes_nothing()
    {
        _world.Flows.FailingCreate = 3;

        var act = () => SaveAsync(UnprovisionedThreeApps());

        await act.Should().ThrowAsync<FlowProvisioningFailedException>();
        _world.Repository.Invocations.Should().BeEmpty();
        _world.Routing.ConfigurationCount.Should().Be(0);
        _world.Notifier.Invocations.Should().BeEmpty();
    }

    // ---- a failing save ----

    [Test]
    public async Task A_conflicting_save_queues_the_removal_of_the_flows_this_change_created_and_propagates()
    {
        var configuration = StoredExample();
        configuration.AddApp(new AppBuilder("crm42", "Other CRM").Outbound(Person).Inbound(Person, Operation.Create).Build(), Now);
        _world.Repository.Setup(r => r.UpdateAsync(configuration, It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConcurrencyConflictException("The configuration changed meanwhile."));

        var act = () => SaveAsync(configuration);

        await act.Should().ThrowAsync<ConcurrencyConflictException>();
        var created = _world.Flows.Creates.Select(d => FakeFlowRepository.FlowFor(d.Connection)).ToList();
        created.Should().HaveCount(2);
        var write = _world.Queue.Writes.Should().ContainSingle().Subject;
        write.Source.Should().Be("Enqueue", "the failed update stored nothing; only the rollback is queued");
        write.Work.Should().BeEquivalentTo(created.SelectMany(flowId => Work(flowId, FlowWorkKind.Remove, configuration)));
        _world.Routing.ConfigurationCount.Should().Be(0);

        await _world.RunDueAsync();

        _world.Flows.Done("delete").Should().BeEquivalentTo(created.Select(f => f.Value));
    }

    // ---- removed connections ----

    [Test]
    public async Task The_save_carries_a_removal_for_each_flow_of_a_removed_app_and_deletes_nothing_itself()
    {
        var configuration = StoredExampleWithoutWice();

        var result = await SaveAsync(configuration);

        var write = _world.Queue.Writes.Should().ContainSingle().Subject;
        write.Source.Should().Be("Update");
        write.Work.Should().BeEquivalentTo(new[] { WiceOut, WiceCreate, WiceUpdate }.SelectMany(f => Work(FlowId.Parse(f), FlowWorkKind.Remove, configuration)));
        _world.Flows.Calls.Should().BeEmpty("removal is the runner's work");
        result.PendingCleanup.Should().BeEquivalentTo(WiceOut, WiceCreate, WiceUpdate);
    }

    [Test]
    public async Task The_runner_deletes_the_inactive_flows_of_removed_connections_and_their_destinations()
    {
        var configuration = StoredExampleWithoutWice();
        await SaveAsync(configuration);

        await _world.RunDueAsync();

        _world.Flows.Done("delete").Should().BeEquivalentTo(WiceOut, WiceCreate, WiceUpdate);
        _world.Flows.Done("stop").Should().BeEmpty("the flows were inactive");
        foreach (var flowId in new[] { WiceOut, WiceCreate, WiceUpdate })
        {
            _world.Destinations.Verify(d => d.RemoveAsync(FlowId.Parse(flowId), It.IsAny<CancellationToken>()), Times.Once);
        }

        _world.Queue.Entries.Should().BeEmpty();
        _world.Flows.Flows.Should().HaveCount(6);
    }

    [Test]
    public async Task A_running_flow_of_a_removed_connection_is_stopped_then_deleted_once_it_is_inactive()
    {
        var configuration = StoredExampleWithoutWice();
        _world.Flows.SetStatus(FlowId.Parse(WiceOut), FlowStatus.Active);
        _world.Flows.SetStatus(FlowId.Parse(WiceCreate), FlowStatus.Starting);
        await SaveAsync(configuration);

        await _world.RunDueAsync();

        _world.Flows.Done("stop").Should().BeEquivalentTo(WiceOut, WiceCreate);
        _world.Flows.Done("delete").Should().Equal(WiceUpdate);
        _world.Queue.Entries.Keys.Select(k => k.Value).Should().BeEquivalentTo(WiceOut, WiceCreate);

        _world.Time.Advance(Recheck);
        await _world.RunDueAsync(); // still stopping: looked at, left alone

        _world.Flows.Done("delete").Should().Equal(WiceUpdate);
        _world.Flows.Done("stop").Should().HaveCount(2, "a stopping flow is not stopped again");

        _world.Flows.Settle();
        _world.Time.Advance(Recheck);
        await _world.RunDueAsync();

        _world.Flows.Done("delete").Should().BeEquivalentTo(WiceUpdate, WiceOut, WiceCreate);
        var calls = _world.Flows.Calls.ToList();
        calls.IndexOf($"stop {WiceOut}").Should().BeLessThan(calls.IndexOf($"delete {WiceOut}"));
        calls.IndexOf($"stop {WiceCreate}").Should().BeLessThan(calls.IndexOf($"delete {WiceCreate}"));
        calls.Should().NotContain(c => c.EndsWith(" !", StringComparison.Ordinal), "no delete was tried before the flow was inactive");
        _world.Queue.Entries.Should().BeEmpty();
    }

    [Test]
    public async Task A_flow_that_cannot_be_deleted_stays_pending_with_backoff_and_the_others_are_still_deleted()
    {
        var configuration = StoredExampleWithoutWice();
        _world.Flows.Undeletable.Add(FlowId.Parse(WiceCreate));
        var result = await SaveAsync(configuration);

        await _world.RunDueAsync();

        _world.Flows.Done("delete").Should().BeEquivalentTo(WiceOut, WiceUpdate);
        var entry = _world.Queue.Entries.Should().ContainSingle().Subject.Value;
        entry.Work.FlowId.Value.Should().Be(WiceCreate);
        entry.Work.Kind.Should().Be(FlowWorkKind.Remove);
        entry.Attempts.Should().Be(1);
        entry.LastError.Should().Contain(WiceCreate).And.Contain("Conflict");
        entry.NextAttemptAt.Should().Be(Now + TimeSpan.FromSeconds(5));
        _world.Destinations.Verify(d => d.RemoveAsync(FlowId.Parse(WiceCreate), It.IsAny<CancellationToken>()), Times.Never,
            "a flow still there keeps its destination");
        result.PendingCleanup.Should().Contain(WiceCreate);

        _world.Time.Advance(TimeSpan.FromSeconds(5));
        await _world.RunDueAsync();

        _world.Queue.Entries.Values.Single().Attempts.Should().Be(2);
        _world.Queue.Entries.Values.Single().NextAttemptAt.Should().Be(Now + TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task A_flow_that_is_already_gone_is_not_deleted_again_but_its_destination_is_removed()
    {
        var configuration = StoredExampleWithoutWice();
        _world.Flows.Vanish(FlowId.Parse(WiceUpdate)); // gone meanwhile
        await SaveAsync(configuration);

        await _world.RunDueAsync();

        _world.Flows.Calls.Should().Contain($"status {WiceUpdate}").And.NotContain(c => c.StartsWith($"delete {WiceUpdate}", StringComparison.Ordinal));
        _world.Flows.Done("delete").Should().BeEquivalentTo(WiceOut, WiceCreate);
        _world.Destinations.Verify(d => d.RemoveAsync(FlowId.Parse(WiceUpdate), It.IsAny<CancellationToken>()), Times.Once);
        _world.Queue.Entries.Should().BeEmpty();
    }

    [Test]
    public async Task Flows_of_removed_connections_are_still_removed_when_the_request_is_cancelled_after_the_save()
    {
        var configuration = StoredExampleWithoutWice();
        using var request = new CancellationTokenSource();
        _world.Repository.Setup(r => r.UpdateAsync(configuration, It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()))
            .Returns((Configuration c, IReadOnlyCollection<FlowWork> work, CancellationToken _) =>
            {
                _world.Queue.Write("Update", work);
                c.MarkPersisted();
                request.Cancel(); // the client goes away while the (successful) save is in flight
                return Task.CompletedTask;
            });

        var act = () => _world.Writer.SaveAsync(configuration, FlowCallContext.Service, request.Token);

        await act.Should().NotThrowAsync("the change is saved; only its clean-up is left");
        await _world.RunDueAsync();
        _world.Flows.Done("delete").Should().BeEquivalentTo(WiceOut, WiceCreate, WiceUpdate);
    }

    // ---- how long the answer waits ----

    [Test]
    public async Task PendingCleanup_lists_the_removals_not_finished_within_AnswerWait()
    {
        await using var world = new FlowWorld(o => o.AnswerWait = TimeSpan.FromSeconds(2));
        var configuration = StoredExampleWithoutWice(world);
        world.Flows.SetStatus(FlowId.Parse(WiceOut), FlowStatus.Active); // takes a stop and a second look
        world.StartRunnerLoop();

        var save = world.Writer.SaveAsync(configuration, FlowCallContext.Service, CancellationToken.None);
        await RunnerRoundDoneAsync(world);
        world.Flows.Done("delete").Should().HaveCount(2);
        world.Flows.Done("stop").Should().Equal(WiceOut);
        save.IsCompleted.Should().BeFalse("the answer waits up to AnswerWait for the removals");
        var result = await world.AdvanceUntilDoneAsync(save, TimeSpan.FromMilliseconds(500));

        result.PendingCleanup.Should().Equal(WiceOut);
        result.Configuration.Should().NotBeNull();
        world.Time.GetUtcNow().Should().BeOnOrAfter(Now + TimeSpan.FromSeconds(2), "the answer came when AnswerWait had passed on the clock");
        world.Queue.Entries.Keys.Select(k => k.Value).Should().Equal(WiceOut);
    }

    [Test]
    public async Task PendingCleanup_is_empty_when_every_removal_finishes_within_AnswerWait()
    {
        await using var world = new FlowWorld(o => o.AnswerWait = TimeSpan.FromMinutes(1));
        var configuration = StoredExampleWithoutWice(world);
        world.StartRunnerLoop();

        var result = await world.Writer.SaveAsync(configuration, FlowCallContext.Service, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        result.PendingCleanup.Should().BeEmpty();
        world.Flows.Done("delete").Should().BeEquivalentTo(WiceOut, WiceCreate, WiceUpdate);
        world.Time.GetUtcNow().Should().Be(Now, "no waiting on the clock was needed");
    }

    [Test]
    public async Task The_answer_waits_for_a_running_flow_to_be_stopped_and_deleted_when_that_happens_within_AnswerWait()
    {
        await using var world = new FlowWorld(o => o.AnswerWait = TimeSpan.FromSeconds(10));
        var configuration = StoredExampleWithoutWice(world);
        world.Flows.SetStatus(FlowId.Parse(WiceOut), FlowStatus.Active);
        world.StartRunnerLoop();

        var save = world.Writer.SaveAsync(configuration, FlowCallContext.Service, CancellationToken.None);
        await RunnerRoundDoneAsync(world);
        world.Flows.Done("stop").Should().Equal(WiceOut);
        save.IsCompleted.Should().BeFalse();
        world.Flows.Settle();
        world.Time.Advance(Recheck);
        world.Runner.Wake();
        var result = await save.WaitAsync(TimeSpan.FromSeconds(30));

        result.PendingCleanup.Should().BeEmpty();
        world.Flows.Done("delete").Should().Contain(WiceOut);
    }

    // ---- a side switched off or on ----

    [Test]
    public async Task A_side_switched_off_queues_stop_work_for_its_flows_which_the_runner_stops_but_does_not_delete()
    {
        var configuration = StoredExample();
        _world.Flows.SetStatus(FlowId.Parse(WiceCreate), FlowStatus.Active);
        _world.Flows.SetStatus(FlowId.Parse(WiceUpdate), FlowStatus.Active);
        configuration.SwitchSide(AppOf(configuration, Wice).Id, Direction.Inbound, active: false, Now);

        await SaveAsync(configuration);

        _world.Queue.Writes.Should().ContainSingle().Which.Work.Should().BeEquivalentTo(
            new[] { WiceCreate, WiceUpdate }.SelectMany(f => Work(FlowId.Parse(f), FlowWorkKind.Stop, configuration)));
        await _world.RunDueAsync();
        _world.Flows.Done("stop").Should().BeEquivalentTo(WiceCreate, WiceUpdate);
        _world.Flows.Done("delete").Should().BeEmpty();
        _world.Flows.StatusOf(FlowId.Parse(WiceCreate)).Should().Be(FlowStatus.Stopping);
        ConnectionOf(configuration, Wice, Operation.Create).FlowId.Should().Be(FlowId.Parse(WiceCreate));
        _world.Queue.Entries.Should().BeEmpty("a stop does not wait for inactive");
    }

    [Test]
    public async Task Stop_work_makes_the_activation_forget_the_flow()
    {
        var configuration = StoredExample();
        var flowId = FlowId.Parse(WiceCreate);
        _world.Flows.SetStatus(flowId, FlowStatus.Active);
        await _world.Activation.EnsureRunningAsync([flowId], CancellationToken.None); // cached as running
        configuration.SwitchSide(AppOf(configuration, Wice).Id, Direction.Inbound, active: false, Now);
        await SaveAsync(configuration);
        await _world.RunDueAsync();
        var statusCalls = _world.Flows.Calls.Count(c => c == $"status {flowId}");

        await _world.Activation.EnsureRunningAsync([flowId], CancellationToken.None);

        _world.Flows.Calls.Count(c => c == $"status {flowId}").Should().Be(statusCalls + 1, "the cached 'running' was forgotten");
    }

    [Test]
    public async Task A_side_switched_off_no_longer_receives_events()
    {
        var configuration = StoredExample();
        _world.Routing.Upsert(configuration);
        configuration.SwitchSide(AppOf(configuration, Wice).Id, Direction.Inbound, active: false, Now);

        await SaveAsync(configuration);

        _world.Routing.Route(RecordEvents.From(SnazzyOut, Operation.Create)).Targets.Select(t => t.FlowId.Value).Should().Equal(OutlookCreate);
    }

    [Test]
    public async Task An_outbound_side_switched_on_queues_start_work_which_the_runner_carries_out()
    {
        var configuration = StoredExample();
        configuration.SwitchSide(AppOf(configuration, "outlook9012").Id, Direction.Outbound, active: true, Now);

        await SaveAsync(configuration);

        _world.Flows.Creates.Should().BeEmpty("the side's connection has its flow");
        _world.Queue.Writes.Should().ContainSingle().Which.Work.Should().BeEquivalentTo(Work(FlowId.Parse(OutlookOut), FlowWorkKind.Start, configuration));
        await _world.RunDueAsync();
        _world.Flows.Done("start").Should().Equal(OutlookOut);
        _world.Flows.StatusOf(FlowId.Parse(OutlookOut)).Should().Be(FlowStatus.Starting);
    }

    [Test]
    public async Task A_side_switched_on_whose_connection_has_no_flow_gets_one_and_it_is_started()
    {
        var configuration = UnprovisionedThreeApps();
        await SaveAsync(configuration);
        await _world.RunDueAsync();
        var outlook = AppOf(configuration, "outlook9012");
        configuration.SwitchSide(outlook.Id, Direction.Outbound, active: true, Now);

        await SaveAsync(configuration);

        var outlookOut = FakeFlowRepository.FlowFor(outlook.Outbound.Connections[0]);
        outlook.Outbound.Connections[0].FlowId.Should().Be(outlookOut);
        _world.Queue.Writes.Should().HaveCount(2);
        _world.Queue.Writes[1].Source.Should().Be("Update");
        _world.Queue.Writes[1].Work.Should().BeEquivalentTo(Work(outlookOut, FlowWorkKind.Start, configuration));
        await _world.RunDueAsync();
        _world.Flows.Done("start").Should().Contain(outlookOut.Value);
    }

    // ---- a new app ----

    [Test]
    public async Task A_new_app_gets_flows_start_work_for_its_outbound_flow_and_destination_work_for_its_inbound_flow()
    {
        var configuration = StoredExample();
        var crm = new AppBuilder("crm42", "Other CRM").Outbound(Person).Inbound(Person, Operation.Create).Build();
        configuration.AddApp(crm, Now);

        await SaveAsync(configuration);

        var crmOut = FakeFlowRepository.FlowFor(crm.Outbound.Connections[0]);
        var crmIn = FakeFlowRepository.FlowFor(crm.Inbound.Connections[0]);
        _world.Queue.Writes.Should().ContainSingle().Which.Work.Should().BeEquivalentTo(
            Work(crmOut, FlowWorkKind.Start, configuration).Concat(Work(crmIn, FlowWorkKind.DeclareDestination, configuration)));
        await _world.RunDueAsync();
        _world.Flows.Done("start").Should().Equal(crmOut.Value);
        _world.Destinations.Verify(d => d.EnsureAsync(crmIn, It.IsAny<CancellationToken>()), Times.Once);
        _world.Destinations.Verify(d => d.EnsureAsync(crmOut, It.IsAny<CancellationToken>()), Times.Never);
    }

    // ---- deleting a configuration ----

    [Test]
    public async Task Deleting_a_configuration_queues_every_one_of_its_flows_for_removal_in_the_delete_itself()
    {
        var configuration = StoredExample();

        var result = await _world.Writer.DeleteAsync(configuration, CancellationToken.None);

        _world.Repository.Verify(r => r.DeleteAsync(configuration, It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()), Times.Once);
        var write = _world.Queue.Writes.Should().ContainSingle().Subject;
        write.Source.Should().Be("Delete");
        write.Work.Should().BeEquivalentTo(AllNine.SelectMany(f => Work(FlowId.Parse(f), FlowWorkKind.Remove, configuration)));
        result.Configuration.Should().BeNull();
        result.PendingCleanup.Should().BeEquivalentTo(AllNine, "the answer did not wait (AnswerWait zero)");
        _world.History.Should().Equal("repository.Delete", $"notify.deleted {configuration.Id}");
    }

    [Test]
    public async Task The_runner_removes_every_flow_of_a_deleted_configuration()
    {
        var configuration = StoredExample();
        _world.Flows.SetStatus(FlowId.Parse(SnazzyOut), FlowStatus.Active);
        await _world.Writer.DeleteAsync(configuration, CancellationToken.None);

        await _world.RunDueAsync(); // stops the running one, deletes the others
        _world.Flows.Done("delete").Should().HaveCount(8);
        _world.Flows.Settle();
        await _world.RunUntilIdleAsync(Recheck);

        _world.Flows.Done("delete").Should().BeEquivalentTo(AllNine);
        _world.Flows.Flows.Should().BeEmpty();
        _world.Destinations.Verify(d => d.RemoveAsync(It.IsAny<FlowId>(), It.IsAny<CancellationToken>()), Times.Exactly(9));
    }

    [Test]
    public async Task Flows_of_a_deleted_configuration_are_still_removed_when_the_request_is_cancelled_after_the_delete()
    {
        var configuration = StoredExample();
        using var request = new CancellationTokenSource();
        _world.Repository.Setup(r => r.DeleteAsync(configuration, It.IsAny<IReadOnlyCollection<FlowWork>>(), It.IsAny<CancellationToken>()))
            .Returns((Configuration _, IReadOnlyCollection<FlowWork> work, CancellationToken _) =>
            {
                _world.Queue.Write("Delete", work);
                request.Cancel(); // the client goes away while the (successful) delete is in flight
                return Task.CompletedTask;
            });

        var act = () => _world.Writer.DeleteAsync(configuration, request.Token);

        await act.Should().NotThrowAsync("the configuration is deleted; only its clean-up is left");
        await _world.RunDueAsync();
        _world.Flows.Done("delete").Should().HaveCount(9);
    }

    [Test]
    public async Task Deleting_a_configuration_removes_it_from_the_routing_table()
    {
        var configuration = StoredExample();
        _world.Routing.Upsert(configuration);

        await _world.Writer.DeleteAsync(configuration, CancellationToken.None);

        _world.Routing.ConfigurationCount.Should().Be(0);
        _world.Routing.Route(RecordEvents.From(SnazzyOut, Operation.Create)).Outcome.Should().Be(RoutingOutcome.UnknownSource);
    }

    // ---- helpers ----

    /// <summary>
    /// Waits until the runner loop, woken by the save, has finished its round and looked for more (its third claim:
    /// the idle round at start, the woken round, the round after it): every outcome of the woken round is recorded.
    /// </summary>
    private static Task RunnerRoundDoneAsync(FlowWorld world) =>
        Eventually.HoldsAsync(() => world.Queue.Claims >= 3, "the runner finished the round the save woke it for");

    private static readonly string[] AllNine =
        [SnazzyOut, SnazzyCreate, SnazzyUpdate, WiceOut, WiceCreate, WiceUpdate, OutlookOut, OutlookCreate, OutlookUpdate];

    private Task<ConfigurationChangeResult> SaveAsync(Configuration configuration) =>
        _world.Writer.SaveAsync(configuration, FlowCallContext.Service, CancellationToken.None);

    private static IEnumerable<FlowWork> Work(FlowId flowId, FlowWorkKind kind, Configuration configuration) =>
        [new FlowWork(flowId, kind, configuration.Tenant, configuration.Id, Now)];

    /// <summary>The README example as stored (version 1, no pending events), its nine flows inactive in the fake repository.</summary>
    private Configuration StoredExample() => StoredExample(_world);

    private static Configuration StoredExample(FlowWorld world)
    {
        var configuration = ThreeAppExample.Build();
        configuration.MarkPersisted();
        configuration.ClearDomainEvents();
        world.Flows.SeedAll(configuration, FlowStatus.Inactive, Now.AddDays(-1));
        return configuration;
    }

    private Configuration StoredExampleWithoutWice() => StoredExampleWithoutWice(_world);

    private static Configuration StoredExampleWithoutWice(FlowWorld world)
    {
        var configuration = StoredExample(world);
        configuration.RemoveApp(AppOf(configuration, Wice).Id, Now);
        return configuration;
    }

    /// <summary>The README example before its first save: no connection has a flow; Outlook's outbound side is off.</summary>
    private static Configuration UnprovisionedThreeApps() => new DispatchConfigurationBuilder()
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

    /// <summary>The flow the fake gave the app's connection for <paramref name="operation"/>.</summary>
    private static FlowId Flow(Configuration configuration, string applicationUid, Operation? operation) =>
        FakeFlowRepository.FlowFor(ConnectionOf(configuration, applicationUid, operation));
}
