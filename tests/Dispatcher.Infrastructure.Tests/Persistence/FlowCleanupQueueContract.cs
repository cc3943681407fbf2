using Dispatcher.Application.Abstractions;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Tests.Builders;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The behaviour every <see cref="IFlowCleanupQueue"/> adapter must show. Each test gets an empty store from
/// <see cref="CreateQueueAsync"/>; the adapter's fixture removes it in its own tear-down.
/// </summary>
public abstract class FlowCleanupQueueContract
{
    /// <summary>Whole milliseconds, so values round-trip unchanged.</summary>
    protected static readonly DateTimeOffset T0 = ConfigurationBuilder.Now.AddMilliseconds(123);

    private static readonly ConfigurationId Owner = ConfigurationId.Parse("65f0000000000000000000a1");

    protected IFlowCleanupQueue Queue { get; private set; } = null!;

    private static CancellationToken None => CancellationToken.None;

    /// <summary>A queue over a new, empty store.</summary>
    protected abstract Task<IFlowCleanupQueue> CreateQueueAsync();

    [SetUp]
    public async Task CreateStore() => Queue = await CreateQueueAsync();

    /// <summary>A new entry of <paramref name="flowId"/>, due at <paramref name="dueAt"/> (default <see cref="T0"/>).</summary>
    protected static PendingFlowCleanup Pending(string flowId, DateTimeOffset? dueAt = null, string tenant = "tenant-a") =>
        new(FlowId.Parse(flowId), TenantId.Parse(tenant), Owner, T0, 0, dueAt ?? T0, null);

    [Test]
    public async Task Added_entries_are_listed_with_every_field()
    {
        var entry = new PendingFlowCleanup(
            FlowId.Parse("flow-1"), TenantId.Parse("tenant-a"), Owner, T0, 2, T0.AddMinutes(1), "flow is still running");

        await Queue.AddAsync([entry], None);

        (await Queue.ListAsync(None)).Should().Equal(entry);
    }

    [Test]
    public async Task Times_are_kept_to_the_millisecond_in_UTC()
    {
        var local = new DateTimeOffset(2026, 11, 26, 14, 0, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        await Queue.AddAsync([Pending("flow-1", local) with { CreatedAt = local }], None);

        var stored = (await Queue.ListAsync(None)).Single();

        var expected = new DateTimeOffset(2026, 11, 26, 12, 0, 0, 123, TimeSpan.Zero);
        stored.CreatedAt.Should().Be(expected);
        stored.CreatedAt.Offset.Should().Be(TimeSpan.Zero);
        stored.NextAttemptAt.Should().Be(expected);
        stored.NextAttemptAt.Offset.Should().Be(TimeSpan.Zero);
    }

    [Test]
    public async Task Adding_a_queued_flow_again_keeps_the_one_entry_as_it_is()
    {
        await Queue.AddAsync([Pending("flow-1")], None);
        await Queue.RescheduleAsync(FlowId.Parse("flow-1"), T0.AddMinutes(5), "Flow Repository unavailable", None);
        var before = (await Queue.ListAsync(None)).Single();

        await Queue.AddAsync([Pending("flow-1", T0, "tenant-b"), Pending("flow-2")], None);

        var entries = await Queue.ListAsync(None);
        entries.Should().HaveCount(2);
        entries.Single(e => e.FlowId.Value == "flow-1").Should().Be(before);
        before.Attempts.Should().Be(1);
        before.Tenant.Value.Should().Be("tenant-a");
    }

    [Test]
    public async Task A_flow_twice_in_one_batch_is_queued_once()
    {
        await Queue.AddAsync([Pending("flow-1"), Pending("flow-1", T0.AddMinutes(1), "tenant-b")], None);

        (await Queue.ListAsync(None)).Should().ContainSingle().Which.FlowId.Value.Should().Be("flow-1");
    }

    [Test]
    public async Task Adding_nothing_does_nothing()
    {
        await Queue.AddAsync([], None);

        (await Queue.ListAsync(None)).Should().BeEmpty();
    }

    [Test]
    public async Task Due_entries_come_oldest_due_first_then_by_flow_id_up_to_the_limit()
    {
        await Queue.AddAsync(
        [
            Pending("flow-c", T0.AddSeconds(-10)),
            Pending("flow-later", T0.AddMilliseconds(1)),
            Pending("flow-b", T0),
            Pending("flow-a", T0),
            Pending("flow-d", T0.AddMinutes(-1)),
        ], None);

        var all = await Queue.GetDueAsync(T0, 10, None);
        var firstTwo = await Queue.GetDueAsync(T0, 2, None);

        all.Select(e => e.FlowId.Value).Should().Equal("flow-d", "flow-c", "flow-a", "flow-b");
        firstTwo.Select(e => e.FlowId.Value).Should().Equal("flow-d", "flow-c");
    }

    [Test]
    public async Task Nothing_is_due_before_its_time_or_with_a_limit_of_zero()
    {
        await Queue.AddAsync([Pending("flow-1", T0)], None);

        (await Queue.GetDueAsync(T0.AddMilliseconds(-1), 10, None)).Should().BeEmpty();
        (await Queue.GetDueAsync(T0, 0, None)).Should().BeEmpty();
        (await Queue.GetDueAsync(T0, 1, None)).Should().ContainSingle();
    }

    [Test]
    public async Task A_negative_limit_is_refused()
    {
        var due = () => Queue.GetDueAsync(T0, -1, None);

        await due.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Test]
    public async Task Reschedule_counts_the_attempt_records_the_error_and_hides_the_entry_until_its_next_time()
    {
        await Queue.AddAsync([Pending("flow-1"), Pending("flow-2")], None);
        var next = T0.AddMinutes(2);

        await Queue.RescheduleAsync(FlowId.Parse("flow-1"), next, "still running", None);

        (await Queue.GetDueAsync(T0, 10, None)).Select(e => e.FlowId.Value).Should().Equal("flow-2");
        (await Queue.GetDueAsync(next.AddMilliseconds(-1), 10, None)).Select(e => e.FlowId.Value).Should().Equal("flow-2");
        var due = await Queue.GetDueAsync(next, 10, None);
        due.Select(e => e.FlowId.Value).Should().Equal("flow-2", "flow-1");
        due[1].Should().Be(Pending("flow-1") with { Attempts = 1, NextAttemptAt = next, LastError = "still running" });

        await Queue.RescheduleAsync(FlowId.Parse("flow-1"), next.AddMinutes(4), "Flow Repository unavailable", None);

        var again = (await Queue.ListAsync(None)).Single(e => e.FlowId.Value == "flow-1");
        again.Attempts.Should().Be(2);
        again.NextAttemptAt.Should().Be(next.AddMinutes(4));
        again.LastError.Should().Be("Flow Repository unavailable");
    }

    [Test]
    public async Task A_long_error_is_cut_to_1000_characters()
    {
        await Queue.AddAsync([Pending("flow-1")], None);

        await Queue.RescheduleAsync(FlowId.Parse("flow-1"), T0, new string('x', 999) + "yz" + new string('x', 500), None);

        (await Queue.ListAsync(None)).Single().LastError.Should().Be(new string('x', 999) + "y");
    }

    [Test]
    public async Task Rescheduling_a_flow_that_is_not_queued_does_nothing()
    {
        await Queue.RescheduleAsync(FlowId.Parse("flow-1"), T0, "gone already", None);

        (await Queue.ListAsync(None)).Should().BeEmpty();
    }

    [Test]
    public async Task Complete_removes_only_that_entry_and_an_unknown_flow_is_ignored()
    {
        await Queue.AddAsync([Pending("flow-1"), Pending("flow-2")], None);

        await Queue.CompleteAsync(FlowId.Parse("flow-1"), None);
        await Queue.CompleteAsync(FlowId.Parse("flow-unknown"), None);

        (await Queue.ListAsync(None)).Select(e => e.FlowId.Value).Should().Equal("flow-2");
        (await Queue.GetDueAsync(T0, 10, None)).Select(e => e.FlowId.Value).Should().Equal("flow-2");
    }

    [Test]
    public async Task List_returns_every_entry_due_or_not()
    {
        await Queue.AddAsync([Pending("flow-late", T0.AddHours(1)), Pending("flow-now"), Pending("flow-other", tenant: "tenant-b")], None);
        await Queue.RescheduleAsync(FlowId.Parse("flow-now"), T0.AddDays(1), "failed", None);

        var listed = await Queue.ListAsync(None);

        listed.Select(e => e.FlowId.Value).Should().BeEquivalentTo("flow-late", "flow-now", "flow-other");
    }
}
