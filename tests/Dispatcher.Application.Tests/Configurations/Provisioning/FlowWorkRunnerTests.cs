using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Tests.Support;
using Dispatcher.Domain.Configurations;
using Dispatcher.TestSupport;
using Dispatcher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace Dispatcher.Application.Tests.Configurations.Provisioning;

/// <summary><see cref="FlowWorkRunner"/>: claims, completes, reschedules with backoff, waits for removals.</summary>
public sealed class FlowWorkRunnerTests
{
    private static readonly DateTimeOffset Now = DispatchConfigurationBuilder.Now;
    private static readonly FlowId Flow = FlowId.Parse("flow-1");

    private FlowWorld _world = null!;

    [SetUp]
    public void SetUp() => _world = new FlowWorld();

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    [TestCase(1, 5)]
    [TestCase(2, 10)]
    [TestCase(3, 20)]
    [TestCase(7, 320)]
    [TestCase(8, 600)]
    [TestCase(30, 600)]
    [TestCase(1000, 600)]
    public void Backoff_doubles_from_5_seconds_and_is_capped_at_10_minutes(int attempt, int seconds) =>
        FlowWorkRunner.Backoff(attempt, TimeSpan.FromSeconds(5)).Should().Be(TimeSpan.FromSeconds(seconds));

    [Test]
    public async Task Finished_work_is_completed_and_forgotten()
    {
        _world.Flows.Seed(Flow, FlowStatus.Inactive);
        Enqueue(FlowWorkKind.Remove);

        var claimed = await _world.RunDueAsync();

        claimed.Should().Be(1);
        _world.Queue.Entries.Should().BeEmpty();
        _world.Flows.Done("delete").Should().Equal(Flow.Value);
    }

    [Test]
    public async Task Failed_attempts_are_counted_and_retried_with_backoff()
    {
        _world.Flows.Unreachable.Add(Flow);
        Enqueue(FlowWorkKind.Remove);

        var due = Now;
        foreach (var (attempt, backoff) in new[] { (1, 5), (2, 10), (3, 20) })
        {
            _world.Time.SetUtcNow(due);
            (await _world.RunDueAsync()).Should().Be(1);

            var entry = _world.Queue.Entries[Flow];
            entry.Attempts.Should().Be(attempt);
            entry.NextAttemptAt.Should().Be(due + TimeSpan.FromSeconds(backoff));
            entry.LastError.Should().Contain("Unavailable");
            due = entry.NextAttemptAt;
        }
    }

    [Test]
    public async Task Work_is_not_tried_again_before_its_backoff_has_passed()
    {
        _world.Flows.Unreachable.Add(Flow);
        Enqueue(FlowWorkKind.Remove);
        await _world.RunDueAsync();
        var calls = _world.Flows.Calls.Count;

        _world.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        (await _world.RunDueAsync()).Should().Be(0);
        _world.Flows.Calls.Should().HaveCount(calls);

        _world.Flows.Unreachable.Clear();
        _world.Flows.Seed(Flow, FlowStatus.Inactive);
        _world.Time.Advance(TimeSpan.FromMilliseconds(1));
        (await _world.RunDueAsync()).Should().Be(1);
        _world.Queue.Entries.Should().BeEmpty();
    }

    [Test]
    public async Task A_later_outcome_reschedules_soon_without_counting_an_attempt_and_keeps_the_last_error()
    {
        _world.Flows.Unreachable.Add(Flow);
        Enqueue(FlowWorkKind.Remove);
        await _world.RunDueAsync(); // attempt 1 fails
        var error = _world.Queue.Entries[Flow].LastError;
        _world.Flows.Unreachable.Clear();
        _world.Flows.Seed(Flow, FlowStatus.Active);
        _world.Time.Advance(TimeSpan.FromSeconds(5));

        await _world.RunDueAsync(); // stop requested: later

        var entry = _world.Queue.Entries[Flow];
        entry.Attempts.Should().Be(1, "asking a flow to stop is progress, not a failure");
        entry.NextAttemptAt.Should().Be(_world.Time.GetUtcNow() + FlowRemover.RecheckDelay);
        entry.LastError.Should().Be(error);
        _world.Flows.Done("stop").Should().Equal(Flow.Value);
    }

    [Test]
    public async Task A_removal_retried_after_a_failed_attempt_still_gives_the_stopped_flow_its_stop_wait()
    {
        _world.Flows.Unreachable.Add(Flow);
        Enqueue(FlowWorkKind.Remove); // requested at Now
        await _world.RunDueAsync(); // attempt 1 fails: the repository is unreachable
        _world.Flows.Unreachable.Clear();
        _world.Flows.Seed(Flow, FlowStatus.Active);
        _world.Time.Advance(TimeSpan.FromSeconds(5));
        await _world.RunDueAsync(); // stop requested now
        _world.Time.Advance(FlowRemover.RecheckDelay);

        await _world.RunDueAsync(); // still stopping, a quarter of a second after the stop

        var entry = _world.Queue.Entries[Flow];
        entry.Attempts.Should().Be(1, "the flow was asked to stop only 250 ms ago, well within the stop wait");
        entry.NextAttemptAt.Should().Be(_world.Time.GetUtcNow() + FlowRemover.RecheckDelay);
    }

    [Test]
    public async Task An_entry_claimed_by_another_instance_is_left_alone_until_its_claim_expires()
    {
        _world.Flows.Seed(Flow, FlowStatus.Inactive);
        Enqueue(FlowWorkKind.Remove);
        var other = await _world.Queue.ClaimDueAsync(Now, 10, TimeSpan.FromMinutes(2), CancellationToken.None); // another instance, which dies
        other.Should().ContainSingle();

        (await _world.RunDueAsync()).Should().Be(0);
        _world.Time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromMilliseconds(1));
        (await _world.RunDueAsync()).Should().Be(0);
        _world.Flows.Calls.Should().BeEmpty();

        _world.Time.Advance(TimeSpan.FromMilliseconds(1));
        (await _world.RunDueAsync()).Should().Be(1);
        _world.Flows.Done("delete").Should().Equal(Flow.Value);
    }

    [Test]
    public async Task The_runner_claims_its_batch_size_for_the_claim_duration()
    {
        var queue = new Mock<IFlowWorkQueue>();
        queue.Setup(q => q.ClaimDueAsync(It.IsAny<DateTimeOffset>(), It.IsAny<int>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([]);
        await using var services = new ServiceCollection().BuildServiceProvider(validateScopes: true);
        var options = new FlowProvisioningOptions { WorkBatchSize = 7, WorkClaimDuration = TimeSpan.FromSeconds(42) };
        var runner = new FlowWorkRunner(
            services.GetRequiredService<IServiceScopeFactory>(), queue.Object, new DispatcherMetrics(), _world.Time,
            Options.Create(options), NullLogger<FlowWorkRunner>.Instance);

        (await runner.RunDueAsync(CancellationToken.None)).Should().Be(0);

        queue.Verify(q => q.ClaimDueAsync(Now, 7, TimeSpan.FromSeconds(42), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_round_takes_at_most_a_batch_oldest_first()
    {
        await using var world = new FlowWorld(o => o.WorkBatchSize = 2);
        for (var i = 1; i <= 5; i++)
        {
            world.Queue.Write("Enqueue", [Work(FlowId.Parse($"flow-{i}"), FlowWorkKind.DeclareDestination, Now.AddSeconds(-i))]);
        }

        (await world.RunDueAsync()).Should().Be(2);

        world.Queue.Entries.Keys.Select(k => k.Value).Should().BeEquivalentTo("flow-1", "flow-2", "flow-3");
        (await world.RunDueAsync()).Should().Be(2);
        (await world.RunDueAsync()).Should().Be(1);
        world.Queue.Entries.Should().BeEmpty();
    }

    [Test]
    public async Task At_most_WorkParallelism_pieces_of_work_run_at_once()
    {
        await using var world = new FlowWorld(o => o.WorkParallelism = 2);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0, maxRunning = 0, started = 0;
        world.Destinations.Setup(d => d.EnsureAsync(It.IsAny<FlowId>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                Interlocked.Increment(ref started);
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                await gate.Task;
                Interlocked.Decrement(ref running);
            });
        for (var i = 1; i <= 5; i++)
        {
            world.Queue.Write("Enqueue", [Work(FlowId.Parse($"flow-{i}"), FlowWorkKind.DeclareDestination, Now)]);
        }

        var round = world.RunDueAsync();
        await Eventually.HoldsAsync(() => Volatile.Read(ref started) == 2, "two pieces of work started");
        Volatile.Read(ref started).Should().Be(2, "the others wait for a free slot");
        gate.SetResult();
        (await round.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(5);

        maxRunning.Should().Be(2);
        started.Should().Be(5);
        world.Queue.Entries.Should().BeEmpty();
    }

    [Test]
    public async Task Completing_work_whose_entry_was_replaced_meanwhile_keeps_the_newer_entry()
    {
        Enqueue(FlowWorkKind.DeclareDestination);
        _world.Destinations.Setup(d => d.EnsureAsync(Flow, It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                // While the destination is declared, a change removes the flow.
                _world.Queue.Write("Update", [Work(Flow, FlowWorkKind.Remove, Now)]);
                return Task.CompletedTask;
            });

        await _world.RunDueAsync();

        var entry = _world.Queue.Entries.Should().ContainSingle().Subject.Value;
        entry.Work.Kind.Should().Be(FlowWorkKind.Remove);
        entry.Attempts.Should().Be(0);
    }

    [Test]
    public async Task A_failure_recorded_for_a_replaced_entry_does_not_touch_the_newer_entry()
    {
        Enqueue(FlowWorkKind.DeclareDestination);
        _world.Destinations.Setup(d => d.EnsureAsync(Flow, It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                _world.Queue.Write("Update", [Work(Flow, FlowWorkKind.Remove, Now)]);
                return Task.FromException(new TimeoutException("no broker"));
            });

        await _world.RunDueAsync();

        var entry = _world.Queue.Entries[Flow];
        entry.Work.Kind.Should().Be(FlowWorkKind.Remove);
        entry.Attempts.Should().Be(0);
        entry.LastError.Should().BeNull();
        entry.NextAttemptAt.Should().Be(Now, "the new entry is due at once, not after the old one's backoff");
    }

    // ---- watching the work of one write ----

    [Test]
    public async Task A_watch_wakes_the_runner_and_waits_until_every_piece_of_its_work_is_done()
    {
        _world.StartRunnerLoop();
        _world.Flows.Seed(Flow, FlowStatus.Inactive);
        var work = Work(Flow, FlowWorkKind.Start, Now);
        using var watch = _world.Runner.Watch([work]);
        _world.Queue.Write("Update", [work]);

        var pending = await watch.WaitAsync(TimeSpan.FromHours(1)).WaitAsync(TimeSpan.FromSeconds(30));

        pending.Should().BeEmpty("a start is never reported as pending cleanup");
        _world.Flows.Done("start").Should().Equal(new[] { Flow.Value }, "the answer came once the woken runner had started the flow");
        _world.Queue.Entries.Should().BeEmpty();
    }

    [Test]
    public async Task Work_done_before_the_wait_begins_is_not_missed()
    {
        _world.Flows.Seed(Flow, FlowStatus.Inactive);
        var work = Work(Flow, FlowWorkKind.Remove, Now);
        using var watch = _world.Runner.Watch([work]);
        _world.Queue.Write("Update", [work]);
        await _world.RunDueAsync(); // e.g. the poll of the loop got there first

        var pending = await watch.WaitAsync(TimeSpan.FromHours(1)).WaitAsync(TimeSpan.FromSeconds(30));

        pending.Should().BeEmpty();
        _world.Flows.Done("delete").Should().Equal(Flow.Value);
    }

    [Test]
    public async Task A_watch_answers_with_the_removals_still_pending_when_the_wait_is_over_and_only_those()
    {
        var running = FlowId.Parse("flow-running");
        var started = FlowId.Parse("flow-to-start");
        _world.Flows.Seed(running, FlowStatus.Active);
        _world.Flows.Seed(Flow, FlowStatus.Inactive);
        var work = new[]
        {
            Work(running, FlowWorkKind.Remove, Now),
            Work(Flow, FlowWorkKind.Remove, Now),
            Work(started, FlowWorkKind.Start, Now), // the flow is gone: nothing to start, done
        };
        using var watch = _world.Runner.Watch(work);
        _world.Queue.Write("Update", work);
        await _world.RunDueAsync(); // Flow deleted, the running flow stopped but not gone

        var wait = watch.WaitAsync(TimeSpan.FromSeconds(1));
        wait.IsCompleted.Should().BeFalse();
        var pending = await _world.AdvanceUntilDoneAsync(wait, TimeSpan.FromMilliseconds(250));

        pending.Should().Equal(running);
        _world.Time.GetUtcNow().Should().BeOnOrAfter(Now + TimeSpan.FromSeconds(1));
    }

    [Test]
    public async Task A_watched_removal_is_not_reported_done_when_an_older_entry_of_the_same_flow_finishes()
    {
        _world.Flows.Seed(Flow, FlowStatus.Inactive);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _world.Destinations.Setup(d => d.EnsureAsync(Flow, It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                entered.SetResult();
                await gate.Task;
            });
        Enqueue(FlowWorkKind.DeclareDestination);
        var round = _world.RunDueAsync(); // the older entry is being carried out …
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var removal = Work(Flow, FlowWorkKind.Remove, Now);
        using var watch = _world.Runner.Watch([removal]); // … when a write removes the flow
        _world.Queue.Write("Update", [removal]);
        gate.SetResult();
        await round.WaitAsync(TimeSpan.FromSeconds(30));

        var pending = await _world.AdvanceUntilDoneAsync(watch.WaitAsync(TimeSpan.FromSeconds(1)), TimeSpan.FromMilliseconds(250));

        _world.Flows.StatusOf(Flow).Should().Be(FlowStatus.Inactive, "the flow is still there");
        _world.Queue.Entries[Flow].Work.Kind.Should().Be(FlowWorkKind.Remove);
        pending.Should().Equal(new[] { Flow }, "its removal has not even started");
    }

    [Test]
    public async Task The_loop_survives_a_failing_round_and_carries_on_after_the_next_wake()
    {
        _world.Queue.FailNextClaim = true;
        _world.StartRunnerLoop(); // its first round fails
        _world.Queue.Claims.Should().Be(1);
        _world.Flows.Seed(Flow, FlowStatus.Inactive);
        Enqueue(FlowWorkKind.Remove);

        _world.Runner.Wake();

        await Eventually.HoldsAsync(() => _world.Queue.Entries.Count == 0, "the removal was done");
        _world.Flows.Done("delete").Should().Equal(Flow.Value);
    }

    private void Enqueue(FlowWorkKind kind) => _world.Queue.Write("Enqueue", [Work(Flow, kind, Now)]);

    private static FlowWork Work(FlowId flowId, FlowWorkKind kind, DateTimeOffset requestedAt) =>
        new(flowId, kind, TenantId.Parse("tenant-a"), ConfigurationId.Parse("65f0000000000000000000c1"), requestedAt);

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
