using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Tests.Support;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;
using Moq;

namespace Dispatcher.Application.Tests.Configurations.Provisioning;

/// <summary><see cref="FlowWorkExecutor"/>: one attempt at each kind of work; failures come back as outcomes.</summary>
public sealed class FlowWorkExecutorTests
{
    private static readonly FlowId Flow = FlowId.Parse("flow-1");

    private FlowWorld _world = null!;
    private FlowWorkExecutor _executor = null!;

    [SetUp]
    public void SetUp()
    {
        _world = new FlowWorld();
        _executor = _world.Get<FlowWorkExecutor>();
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    [TestCase(FlowStatus.Inactive, true)]
    [TestCase(FlowStatus.Stopping, true)]
    [TestCase(FlowStatus.Active, false)]
    [TestCase(FlowStatus.Starting, false)]
    public async Task Start_starts_the_flow_unless_it_runs(FlowStatus status, bool started)
    {
        _world.Flows.Seed(Flow, status);

        var outcome = await _executor.ExecuteAsync(Work(FlowWorkKind.Start), CancellationToken.None);

        outcome.Should().Be(FlowWorkOutcome.Done);
        _world.Flows.Done("start").Should().HaveCount(started ? 1 : 0);
    }

    [Test]
    public async Task Start_of_a_vanished_flow_does_nothing_the_reconciler_recreates_it()
    {
        var outcome = await _executor.ExecuteAsync(Work(FlowWorkKind.Start), CancellationToken.None);

        outcome.Should().Be(FlowWorkOutcome.Done);
        _world.Flows.Calls.Should().Equal($"status {Flow}");
    }

    [TestCase(FlowStatus.Active, true)]
    [TestCase(FlowStatus.Starting, true)]
    [TestCase(FlowStatus.Inactive, false)]
    [TestCase(FlowStatus.Stopping, false)]
    public async Task Stop_stops_a_running_flow_and_keeps_it(FlowStatus status, bool stopped)
    {
        _world.Flows.Seed(Flow, status);

        var outcome = await _executor.ExecuteAsync(Work(FlowWorkKind.Stop), CancellationToken.None);

        outcome.Should().Be(FlowWorkOutcome.Done);
        _world.Flows.Done("stop").Should().HaveCount(stopped ? 1 : 0);
        _world.Flows.Flows.Should().ContainKey(Flow.Value);
        _world.Destinations.Invocations.Should().BeEmpty();
    }

    [Test]
    public async Task DeclareDestination_ensures_the_flows_destination()
    {
        var outcome = await _executor.ExecuteAsync(Work(FlowWorkKind.DeclareDestination), CancellationToken.None);

        outcome.Should().Be(FlowWorkOutcome.Done);
        _world.Destinations.Verify(d => d.EnsureAsync(Flow, It.IsAny<CancellationToken>()), Times.Once);
        _world.Flows.Calls.Should().BeEmpty();
    }

    [Test]
    public async Task Remove_takes_one_removal_step()
    {
        _world.Flows.Seed(Flow, FlowStatus.Active);

        var outcome = await _executor.ExecuteAsync(Work(FlowWorkKind.Remove), CancellationToken.None);

        outcome.Should().Be(FlowWorkOutcome.Later(FlowRemover.RecheckDelay));
        _world.Flows.Done("stop").Should().Equal(Flow.Value);
    }

    [Test]
    public async Task A_failing_flow_repository_is_a_failed_outcome_that_names_the_flow_and_the_failure()
    {
        _world.Flows.Unreachable.Add(Flow);

        var outcome = await _executor.ExecuteAsync(Work(FlowWorkKind.Remove), CancellationToken.None);

        outcome.IsDone.Should().BeFalse();
        outcome.RetryIn.Should().BeNull();
        outcome.Error.Should().StartWith($"Could not remove flow {Flow}").And.Contain("Unavailable");
    }

    [Test]
    public async Task A_failing_broker_is_a_failed_outcome()
    {
        _world.Destinations.Setup(d => d.EnsureAsync(Flow, It.IsAny<CancellationToken>())).ThrowsAsync(new TimeoutException("no broker"));

        var outcome = await _executor.ExecuteAsync(Work(FlowWorkKind.DeclareDestination), CancellationToken.None);

        outcome.Error.Should().Be($"Could not declare the destination of flow {Flow}: TimeoutException: no broker");
    }

    [Test]
    public async Task Cancellation_by_the_caller_is_not_swallowed()
    {
        _world.Flows.Seed(Flow, FlowStatus.Inactive);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        _world.Destinations.Setup(d => d.EnsureAsync(Flow, It.IsAny<CancellationToken>()))
            .Returns((FlowId _, CancellationToken token) => Task.FromCanceled(token));

        var act = () => _executor.ExecuteAsync(Work(FlowWorkKind.DeclareDestination), cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    private static FlowWork Work(FlowWorkKind kind) =>
        new(Flow, kind, TenantId.Parse("tenant-a"), ConfigurationId.New(), DispatchConfigurationBuilder.Now);
}
