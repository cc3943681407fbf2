using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Tests.Support;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;
using Moq;

namespace Dispatcher.Application.Tests.Configurations.Provisioning;

/// <summary><see cref="FlowRemover"/>: one removal step per call, never waiting.</summary>
public sealed class FlowRemoverTests
{
    private static readonly DateTimeOffset Now = DispatchConfigurationBuilder.Now;
    private static readonly FlowId Flow = FlowId.Parse("flow-1");
    private static readonly FlowWork Removal = new(Flow, FlowWorkKind.Remove, TenantId.Parse("tenant-a"), ConfigurationId.New(), Now);

    private FlowWorld _world = null!;
    private FlowRemover _remover = null!;

    [SetUp]
    public void SetUp()
    {
        _world = new FlowWorld(o => o.StopWaitTimeout = TimeSpan.FromSeconds(5));
        _remover = _world.Get<FlowRemover>();
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    [TestCase(FlowStatus.Active)]
    [TestCase(FlowStatus.Starting)]
    public async Task A_running_flow_is_asked_to_stop_and_looked_at_again_shortly(FlowStatus status)
    {
        _world.Flows.Seed(Flow, status);

        var outcome = await _remover.StepAsync(Removal, CancellationToken.None);

        outcome.Should().Be(FlowWorkOutcome.Later(FlowRemover.RecheckDelay));
        _world.Flows.Calls.Should().Equal($"status {Flow}", $"stop {Flow}");
        _world.Flows.StatusOf(Flow).Should().Be(FlowStatus.Stopping);
        _world.Destinations.Invocations.Should().BeEmpty("the flow is still there");
    }

    [Test]
    public async Task A_stopping_flow_is_left_alone_and_looked_at_again_while_within_the_stop_wait()
    {
        _world.Flows.Seed(Flow, FlowStatus.Stopping);
        _world.Time.Advance(TimeSpan.FromSeconds(5)); // exactly the stop wait since the removal was requested

        var outcome = await _remover.StepAsync(Removal, CancellationToken.None);

        outcome.Should().Be(FlowWorkOutcome.Later(FlowRemover.RecheckDelay));
        _world.Flows.Calls.Should().Equal($"status {Flow}");
        _world.Destinations.Invocations.Should().BeEmpty();
    }

    [Test]
    public async Task A_flow_still_stopping_after_the_stop_wait_fails_the_attempt()
    {
        _world.Flows.Seed(Flow, FlowStatus.Stopping);
        (await _remover.StepAsync(Removal, CancellationToken.None)).RetryIn.Should().NotBeNull("the wait starts when the flow is first seen stopping");
        _world.Time.Advance(TimeSpan.FromSeconds(5) + TimeSpan.FromMilliseconds(1));

        var outcome = await _remover.StepAsync(Removal, CancellationToken.None);

        outcome.IsDone.Should().BeFalse();
        outcome.RetryIn.Should().BeNull();
        outcome.Error.Should().Contain(Flow.Value).And.Contain("inactive");
        _world.Flows.Calls.Should().Equal($"status {Flow}", $"status {Flow}");
        _world.Flows.StatusOf(Flow).Should().Be(FlowStatus.Stopping);
    }

    [Test]
    public async Task An_inactive_flow_is_deleted_then_its_destination_removed_and_its_activation_forgotten()
    {
        _world.Flows.Seed(Flow, FlowStatus.Active);
        await _world.Activation.EnsureRunningAsync([Flow], CancellationToken.None); // cached as running
        _world.Flows.SetStatus(Flow, FlowStatus.Inactive);

        var outcome = await _remover.StepAsync(Removal, CancellationToken.None);

        outcome.Should().Be(FlowWorkOutcome.Done);
        _world.Flows.Flows.Should().NotContainKey(Flow.Value);
        _world.Flows.Calls.Should().EndWith([$"status {Flow}", $"delete {Flow}"]);
        _world.Destinations.Verify(d => d.RemoveAsync(Flow, It.IsAny<CancellationToken>()), Times.Once);
        var before = _world.Flows.Calls.Count;
        await _world.Activation.EnsureRunningAsync([Flow], CancellationToken.None);
        _world.Flows.Calls.Skip(before).Should().Contain($"status {Flow}", "the cached 'running' was forgotten");
    }

    [Test]
    public async Task A_flow_that_is_gone_counts_as_deleted_and_its_destination_is_removed()
    {
        var outcome = await _remover.StepAsync(Removal, CancellationToken.None);

        outcome.Should().Be(FlowWorkOutcome.Done);
        _world.Flows.Calls.Should().Equal($"status {Flow}");
        _world.Destinations.Verify(d => d.RemoveAsync(Flow, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_delete_the_repository_refuses_throws_and_keeps_the_destination()
    {
        _world.Flows.Seed(Flow, FlowStatus.Inactive);
        _world.Flows.Undeletable.Add(Flow);

        var act = () => _remover.StepAsync(Removal, CancellationToken.None);

        await act.Should().ThrowAsync<Dispatcher.Application.Common.Errors.FlowRepositoryException>();
        _world.Destinations.Invocations.Should().BeEmpty();
    }

    [Test]
    public async Task Step_by_step_a_running_flow_goes_stop_then_wait_then_delete()
    {
        _world.Flows.Seed(Flow, FlowStatus.Active);

        var outcomes = new List<FlowWorkOutcome> { await _remover.StepAsync(Removal, CancellationToken.None) };
        _world.Time.Advance(FlowRemover.RecheckDelay);
        outcomes.Add(await _remover.StepAsync(Removal, CancellationToken.None));
        _world.Flows.Settle();
        _world.Time.Advance(FlowRemover.RecheckDelay);
        outcomes.Add(await _remover.StepAsync(Removal, CancellationToken.None));

        outcomes.Should().Equal(FlowWorkOutcome.Later(FlowRemover.RecheckDelay), FlowWorkOutcome.Later(FlowRemover.RecheckDelay), FlowWorkOutcome.Done);
        _world.Flows.Calls.Should().Equal(
            $"status {Flow}", $"stop {Flow}",
            $"status {Flow}",
            $"status {Flow}", $"delete {Flow}");
    }
}
