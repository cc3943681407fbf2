using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The behaviour every <see cref="IFlowWorkQueue"/> adapter must show, together with the configuration repository of
/// the same store (work written with a change is atomic with it). Each test gets an empty store from
/// <see cref="CreateStoreAsync"/>; the adapter's fixture removes it in its own tear-down.
/// </summary>
public abstract class FlowWorkQueueContract
{
    /// <summary>Whole milliseconds, so values round-trip unchanged.</summary>
    protected static readonly DateTimeOffset T0 = DispatchConfigurationBuilder.Now.AddMilliseconds(123);

    private static readonly ConfigurationId Owner = ConfigurationId.Parse("65f0000000000000000000a1");
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(1);

    protected IFlowWorkQueue Queue { get; private set; } = null!;

    protected IConfigurationRepository Repository { get; private set; } = null!;

    private static CancellationToken None => CancellationToken.None;

    /// <summary>A queue and a repository over one new, empty store.</summary>
    protected abstract Task<(IFlowWorkQueue Queue, IConfigurationRepository Repository)> CreateStoreAsync();

    [SetUp]
    public async Task CreateStore() => (Queue, Repository) = await CreateStoreAsync();

    /// <summary>Work of <paramref name="kind"/> on <paramref name="flowId"/>, requested at <paramref name="at"/> (default <see cref="T0"/>).</summary>
    protected static FlowWork Work(string flowId, FlowWorkKind kind = FlowWorkKind.Remove, DateTimeOffset? at = null, ConfigurationId? owner = null) =>
        new(FlowId.Parse(flowId), kind, TenantId.Parse("tenant-a"), owner ?? Owner, at ?? T0);

    [Test]
    public async Task Enqueued_work_is_listed_due_at_once_with_every_field()
    {
        await Queue.EnqueueAsync([Work("flow-1", FlowWorkKind.Stop)], None);

        var entry = (await Queue.ListAsync(None)).Should().ContainSingle().Subject;
        entry.Work.Should().Be(Work("flow-1", FlowWorkKind.Stop));
        entry.Attempts.Should().Be(0);
        entry.NextAttemptAt.Should().Be(T0);
        entry.LastError.Should().BeNull();
    }

    [Test]
    public async Task Work_without_a_tenant_round_trips()
    {
        await Queue.EnqueueAsync([Work("flow-1") with { Tenant = null }], None);

        (await Queue.ListAsync(None)).Single().Work.Tenant.Should().BeNull();
    }

    [Test]
    public async Task Times_are_kept_to_the_millisecond_in_UTC()
    {
        var local = new DateTimeOffset(2026, 11, 26, 14, 0, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        await Queue.EnqueueAsync([Work("flow-1", at: local)], None);

        var stored = (await Queue.ListAsync(None)).Single();

        var expected = new DateTimeOffset(2026, 11, 26, 12, 0, 0, 123, TimeSpan.Zero);
        stored.Work.RequestedAt.Should().Be(expected);
        stored.Work.RequestedAt.Offset.Should().Be(TimeSpan.Zero);
        stored.NextAttemptAt.Should().Be(expected);
    }

    [Test]
    public async Task A_later_entry_for_the_same_flow_replaces_the_earlier_one()
    {
        await Queue.EnqueueAsync([Work("flow-1", FlowWorkKind.Stop)], None);
        var first = (await Queue.ListAsync(None)).Single();

        await Queue.EnqueueAsync([Work("flow-1", FlowWorkKind.Start, T0.AddSeconds(1))], None);

        var entry = (await Queue.ListAsync(None)).Should().ContainSingle().Subject;
        entry.Work.Kind.Should().Be(FlowWorkKind.Start);
        entry.Generation.Should().NotBe(first.Generation);
    }

    [Test]
    public async Task A_pending_removal_stays_a_removal()
    {
        await Queue.EnqueueAsync([Work("flow-1", FlowWorkKind.Remove)], None);

        await Queue.EnqueueAsync([Work("flow-1", FlowWorkKind.Start)], None);

        (await Queue.ListAsync(None)).Single().Work.Kind.Should().Be(FlowWorkKind.Remove);
    }

    [Test]
    public async Task Claiming_takes_due_entries_oldest_first_up_to_the_maximum()
    {
        await Queue.EnqueueAsync([Work("flow-3", at: T0.AddSeconds(3)), Work("flow-1", at: T0.AddSeconds(1)), Work("flow-2", at: T0.AddSeconds(2))], None);

        var claimed = await Queue.ClaimDueAsync(T0.AddSeconds(2), 5, Claim, None);

        claimed.Select(e => e.Work.FlowId.Value).Should().Equal("flow-1", "flow-2");
        (await Queue.ClaimDueAsync(T0.AddSeconds(10), 1, Claim, None)).Select(e => e.Work.FlowId.Value).Should().Equal("flow-3");
    }

    [Test]
    public async Task A_claimed_entry_is_not_claimed_again_until_its_claim_expires()
    {
        await Queue.EnqueueAsync([Work("flow-1")], None);

        (await Queue.ClaimDueAsync(T0, 5, Claim, None)).Should().ContainSingle();
        (await Queue.ClaimDueAsync(T0.AddSeconds(59), 5, Claim, None)).Should().BeEmpty();
        (await Queue.ClaimDueAsync(T0 + Claim, 5, Claim, None)).Should().ContainSingle();
    }

    [Test]
    public async Task Completing_forgets_the_entry()
    {
        await Queue.EnqueueAsync([Work("flow-1"), Work("flow-2")], None);
        var claimed = await Queue.ClaimDueAsync(T0, 1, Claim, None);

        await Queue.CompleteAsync(claimed.Single(), None);

        (await Queue.ListAsync(None)).Select(e => e.Work.FlowId.Value).Should().Equal("flow-2");
    }

    [Test]
    public async Task Completing_an_entry_that_was_replaced_meanwhile_keeps_the_new_entry()
    {
        await Queue.EnqueueAsync([Work("flow-1", FlowWorkKind.Stop)], None);
        var claimed = (await Queue.ClaimDueAsync(T0, 1, Claim, None)).Single();
        await Queue.EnqueueAsync([Work("flow-1", FlowWorkKind.Start)], None);

        await Queue.CompleteAsync(claimed, None);
        await Queue.RescheduleAsync(claimed, T0.AddHours(1), "stale", failed: true, None);

        var entry = (await Queue.ListAsync(None)).Should().ContainSingle().Subject;
        entry.Work.Kind.Should().Be(FlowWorkKind.Start);
        entry.Attempts.Should().Be(0);
        entry.LastError.Should().BeNull();
    }

    [Test]
    public async Task A_failed_attempt_is_counted_and_its_error_kept()
    {
        await Queue.EnqueueAsync([Work("flow-1")], None);
        var claimed = (await Queue.ClaimDueAsync(T0, 1, Claim, None)).Single();

        await Queue.RescheduleAsync(claimed, T0.AddSeconds(5), "flow is still running", failed: true, None);

        var entry = (await Queue.ListAsync(None)).Single();
        entry.Attempts.Should().Be(1);
        entry.LastError.Should().Be("flow is still running");
        entry.NextAttemptAt.Should().Be(T0.AddSeconds(5));
        (await Queue.ClaimDueAsync(T0.AddSeconds(5), 5, Claim, None)).Should().ContainSingle();
    }

    [Test]
    public async Task A_later_look_is_not_counted_as_an_attempt()
    {
        await Queue.EnqueueAsync([Work("flow-1")], None);
        var claimed = (await Queue.ClaimDueAsync(T0, 1, Claim, None)).Single();

        await Queue.RescheduleAsync(claimed, T0.AddMilliseconds(250), null, failed: false, None);

        var entry = (await Queue.ListAsync(None)).Single();
        entry.Attempts.Should().Be(0);
        entry.NextAttemptAt.Should().Be(T0.AddMilliseconds(250));
    }

    [Test]
    public async Task Long_errors_are_cut()
    {
        await Queue.EnqueueAsync([Work("flow-1")], None);
        var claimed = (await Queue.ClaimDueAsync(T0, 1, Claim, None)).Single();

        await Queue.RescheduleAsync(claimed, T0, new string('x', 5000), failed: true, None);

        (await Queue.ListAsync(None)).Single().LastError.Should().HaveLength(1000);
    }

    [Test]
    public async Task Work_stored_with_a_new_configuration_is_listed()
    {
        var configuration = StoredConfigurations.Rich();

        await Repository.AddAsync(configuration, [Work("flow-1", FlowWorkKind.Start, owner: configuration.Id)], None);

        (await Queue.ListAsync(None)).Select(e => (e.Work.FlowId.Value, e.Work.Kind)).Should().Equal(("flow-1", FlowWorkKind.Start));
    }

    [Test]
    public async Task Work_of_a_change_that_loses_the_version_check_is_not_stored()
    {
        var configuration = StoredConfigurations.Rich();
        await Repository.AddAsync(configuration, None);
        var stale = await Repository.GetAsync(configuration.Tenant, configuration.Id, None);
        await Repository.UpdateAsync(configuration, [Work("flow-1", owner: configuration.Id)], None);

        var losing = () => Repository.UpdateAsync(stale!, [Work("flow-2", owner: configuration.Id)], None);

        await losing.Should().ThrowAsync<ConcurrencyConflictException>();
        (await Queue.ListAsync(None)).Select(e => e.Work.FlowId.Value).Should().Equal("flow-1");
    }

    [Test]
    public async Task Work_of_a_deleted_configuration_outlives_it_until_done()
    {
        var configuration = StoredConfigurations.Rich();
        await Repository.AddAsync(configuration, None);

        await Repository.DeleteAsync(configuration, [Work("flow-1", owner: configuration.Id), Work("flow-2", owner: configuration.Id)], None);

        (await Repository.GetAsync(configuration.Tenant, configuration.Id, None)).Should().BeNull();
        (await Repository.ListAsync(configuration.Tenant, None)).Should().BeEmpty();
        var claimed = await Queue.ClaimDueAsync(T0, 5, Claim, None);
        claimed.Select(e => e.Work.FlowId.Value).Should().BeEquivalentTo("flow-1", "flow-2");
        foreach (var entry in claimed)
        {
            await Queue.CompleteAsync(entry, None);
        }

        (await Queue.ListAsync(None)).Should().BeEmpty();
    }

    [Test]
    public async Task Work_of_a_deleted_configuration_cannot_be_stored_when_the_delete_loses_the_version_check()
    {
        var configuration = StoredConfigurations.Rich();
        await Repository.AddAsync(configuration, None);
        var stale = await Repository.GetAsync(configuration.Tenant, configuration.Id, None);
        await Repository.UpdateAsync(configuration, None);

        var losing = () => Repository.DeleteAsync(stale!, [Work("flow-1", owner: configuration.Id)], None);

        await losing.Should().ThrowAsync<ConcurrencyConflictException>();
        (await Queue.ListAsync(None)).Should().BeEmpty();
        (await Repository.GetAsync(configuration.Tenant, configuration.Id, None)).Should().NotBeNull();
    }

    [Test]
    public async Task Work_written_with_a_change_keeps_the_earlier_pending_work_of_other_flows()
    {
        var configuration = StoredConfigurations.Rich();
        await Repository.AddAsync(configuration, [Work("flow-1", owner: configuration.Id)], None);

        await Repository.UpdateAsync(configuration, [Work("flow-2", FlowWorkKind.Stop, owner: configuration.Id)], None);

        (await Queue.ListAsync(None)).Select(e => e.Work.FlowId.Value).Should().BeEquivalentTo("flow-1", "flow-2");
    }
}
