using Dispatcher.TestSupport.Domain;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The behaviour every <see cref="IConfigurationRepository"/> adapter must show. Each test gets an empty store from
/// <see cref="CreateRepositoryAsync"/>; the adapter's fixture removes it in its own tear-down.
/// </summary>
public abstract class ConfigurationRepositoryContract
{
    private static readonly DateTimeOffset Later = DispatchConfigurationBuilder.Now.AddMinutes(5);

    protected IConfigurationRepository Repository { get; private set; } = null!;

    private static CancellationToken None => CancellationToken.None;

    /// <summary>A repository over a new, empty store.</summary>
    protected abstract Task<IConfigurationRepository> CreateRepositoryAsync();

    [SetUp]
    public async Task CreateStore() => Repository = await CreateRepositoryAsync();

    [Test]
    public async Task Add_then_get_round_trips_every_field()
    {
        var configuration = StoredConfigurations.Rich();

        await Repository.AddAsync(configuration, None);
        var loaded = await Repository.GetAsync(configuration.Tenant, configuration.Id, None);

        configuration.Version.Should().Be(1);
        loaded.Should().NotBeNull();
        loaded.ShouldHaveStateOf(configuration);
        loaded.Version.Should().Be(1);
        loaded.CreatedAt.Should().Be(new DateTimeOffset(2026, 11, 26, 12, 0, 0, 123, TimeSpan.Zero));
        loaded.UpdatedAt.Should().Be(loaded.CreatedAt);
        var crm = loaded.Apps[3];
        crm.Fields.Json.Should().Be(configuration.Apps[3].Fields.Json).And.Contain("\"big\":9007199254740993");
        crm.SecretId.Should().Be("65f00000000000000000abcd");
        crm.TransformerComponentId.Should().Be("5d2484d2a422ca001bda5691");
        crm.Inbound.Active.Should().BeFalse();
        crm.Inbound.Connections.Should().ContainSingle().Which.Operation.Should().Be(Operation.Delete);
        crm.Outbound.Connections[1].FlowId.Should().BeNull();
        loaded.Apps[0].Inbound.Connections.Select(c => c.Operation).Should().Equal(Operation.Create, Operation.Update);
        loaded.FlowIds.Should().Equal(configuration.FlowIds);
        loaded.DomainEvents.Should().BeEmpty();
    }

    [Test]
    public async Task A_missing_configuration_is_not_found()
    {
        await Repository.AddAsync(ThreeAppExample.Build(), None);

        var loaded = await Repository.GetAsync(TenantId.Parse("tenant-a"), ConfigurationId.New(), None);

        loaded.Should().BeNull();
    }

    [Test]
    public async Task Another_tenant_neither_gets_nor_lists_the_configuration()
    {
        var configuration = ThreeAppExample.Build("tenant-a");
        await Repository.AddAsync(configuration, None);
        var other = TenantId.Parse("tenant-b");

        var loaded = await Repository.GetAsync(other, configuration.Id, None);
        var listed = await Repository.ListAsync(other, None);

        loaded.Should().BeNull();
        listed.Should().BeEmpty();
    }

    [Test]
    public async Task List_returns_only_the_tenants_configurations_oldest_first_then_by_id()
    {
        var t0 = DispatchConfigurationBuilder.Now;
        var newest = StoredConfigurations.Simple("tenant-a", "newest", t0.AddHours(2));
        var sameTimeSecond = StoredConfigurations.Simple("tenant-a", "same-2", t0.AddHours(1), ConfigurationId.Parse("65f000000000000000000002"));
        var sameTimeFirst = StoredConfigurations.Simple("tenant-a", "same-1", t0.AddHours(1), ConfigurationId.Parse("65f000000000000000000001"));
        var oldest = StoredConfigurations.Simple("tenant-a", "oldest", t0);
        var otherTenant = StoredConfigurations.Simple("tenant-b", "other", t0.AddMinutes(30));
        foreach (var configuration in new[] { newest, sameTimeSecond, otherTenant, sameTimeFirst, oldest })
        {
            await Repository.AddAsync(configuration, None);
        }

        var listed = await Repository.ListAsync(TenantId.Parse("tenant-a"), None);

        listed.Select(c => c.Id).Should().Equal(oldest.Id, sameTimeFirst.Id, sameTimeSecond.Id, newest.Id);
        listed[0].ShouldHaveStateOf(oldest);
        listed.Should().OnlyContain(c => c.Version == 1);
    }

    [Test]
    public async Task Update_with_the_current_version_stores_the_change_and_bumps_the_version()
    {
        var configuration = ThreeAppExample.Build();
        await Repository.AddAsync(configuration, None);
        var loaded = (await Repository.GetAsync(configuration.Tenant, configuration.Id, None))!;

        loaded.ChangeDetails("Renamed", "domain-2", Later);
        loaded.SwitchSide(loaded.Apps[1].Id, Direction.Inbound, active: false, Later);
        await Repository.UpdateAsync(loaded, None);
        var reloaded = await Repository.GetAsync(configuration.Tenant, configuration.Id, None);

        loaded.Version.Should().Be(2);
        reloaded.ShouldHaveStateOf(loaded);
        reloaded.Name.Should().Be("Renamed");
        reloaded.Apps[1].Inbound.Active.Should().BeFalse();
        reloaded.UpdatedAt.Should().Be(Later);
        reloaded.Version.Should().Be(2);
    }

    [Test]
    public async Task Updating_twice_in_a_row_from_the_same_instance_works()
    {
        var configuration = ThreeAppExample.Build();
        await Repository.AddAsync(configuration, None);

        configuration.ChangeDetails("First", null, Later);
        await Repository.UpdateAsync(configuration, None);
        configuration.ChangeDetails("Second", null, Later.AddMinutes(1));
        await Repository.UpdateAsync(configuration, None);

        var reloaded = await Repository.GetAsync(configuration.Tenant, configuration.Id, None);
        reloaded!.Name.Should().Be("Second");
        reloaded.Version.Should().Be(3);
    }

    [Test]
    public async Task A_stale_update_is_refused_and_the_first_writer_wins()
    {
        var configuration = ThreeAppExample.Build();
        await Repository.AddAsync(configuration, None);
        var first = (await Repository.GetAsync(configuration.Tenant, configuration.Id, None))!;
        var second = (await Repository.GetAsync(configuration.Tenant, configuration.Id, None))!;

        first.ChangeDetails("First writer", null, Later);
        second.ChangeDetails("Second writer", null, Later);
        await Repository.UpdateAsync(first, None);
        var stale = () => Repository.UpdateAsync(second, None);

        await stale.Should().ThrowAsync<ConcurrencyConflictException>();
        second.Version.Should().Be(1, "a refused write does not advance the version");
        var stored = await Repository.GetAsync(configuration.Tenant, configuration.Id, None);
        stored!.Name.Should().Be("First writer");
        stored.Version.Should().Be(2);
    }

    [Test]
    public async Task Updating_a_deleted_configuration_is_a_conflict()
    {
        var configuration = ThreeAppExample.Build();
        await Repository.AddAsync(configuration, None);
        var copy = (await Repository.GetAsync(configuration.Tenant, configuration.Id, None))!;
        await Repository.DeleteAsync(configuration, None);

        copy.ChangeDetails("Too late", null, Later);
        var update = () => Repository.UpdateAsync(copy, None);

        await update.Should().ThrowAsync<ConcurrencyConflictException>();
        (await Repository.GetAsync(configuration.Tenant, configuration.Id, None)).Should().BeNull("an update never inserts");
    }

    [Test]
    public async Task An_update_cannot_reach_another_tenants_configuration_with_the_same_id()
    {
        var victim = ThreeAppExample.Build("tenant-a");
        await Repository.AddAsync(victim, None);
        var forged = Configuration.Rehydrate(
            victim.Id, TenantId.Parse("tenant-b"), "Hijacked", null, [], victim.CreatedAt, Later, victim.Version);

        var update = () => Repository.UpdateAsync(forged, None);
        var delete = () => Repository.DeleteAsync(forged, None);

        await update.Should().ThrowAsync<ConcurrencyConflictException>();
        await delete.Should().ThrowAsync<ConcurrencyConflictException>();
        var stored = await Repository.GetAsync(victim.Tenant, victim.Id, None);
        stored.ShouldHaveStateOf(victim);
    }

    [Test]
    public async Task Adding_an_existing_id_is_a_conflict_and_keeps_the_stored_configuration()
    {
        var original = ThreeAppExample.Build("tenant-a");
        await Repository.AddAsync(original, None);
        var sameId = Configuration.Create(original.Id, TenantId.Parse("tenant-b"), "Duplicate", null, [], Later);

        var add = () => Repository.AddAsync(sameId, None);

        await add.Should().ThrowAsync<ConcurrencyConflictException>();
        sameId.Version.Should().Be(0);
        (await Repository.GetAsync(original.Tenant, original.Id, None)).ShouldHaveStateOf(original);
        (await Repository.GetAsync(sameId.Tenant, sameId.Id, None)).Should().BeNull();
    }

    [Test]
    public async Task Adding_a_configuration_that_was_stored_already_is_refused()
    {
        var configuration = ThreeAppExample.Build();
        await Repository.AddAsync(configuration, None);

        var again = () => Repository.AddAsync(configuration, None);

        await again.Should().ThrowAsync<InvalidOperationException>();
        configuration.Version.Should().Be(1);
    }

    [Test]
    public async Task Delete_removes_the_configuration_and_its_source_flows()
    {
        var configuration = ThreeAppExample.Build();
        var kept = StoredConfigurations.Simple("tenant-a", "kept-out");
        await Repository.AddAsync(configuration, None);
        await Repository.AddAsync(kept, None);

        await Repository.DeleteAsync(configuration, None);

        (await Repository.GetAsync(configuration.Tenant, configuration.Id, None)).Should().BeNull();
        (await Repository.ListAsync(configuration.Tenant, None)).Select(c => c.Id).Should().Equal(kept.Id);
        (await Repository.FindBySourceFlowAsync(FlowId.Parse(ThreeAppExample.WiceOut), None)).Should().BeNull();
        (await Repository.FindBySourceFlowAsync(FlowId.Parse("kept-out"), None))!.Id.Should().Be(kept.Id);
    }

    [Test]
    public async Task A_stale_delete_is_refused_and_keeps_the_newer_state()
    {
        var configuration = ThreeAppExample.Build();
        await Repository.AddAsync(configuration, None);
        var stale = (await Repository.GetAsync(configuration.Tenant, configuration.Id, None))!;
        configuration.ChangeDetails("Newer", null, Later);
        await Repository.UpdateAsync(configuration, None);

        var delete = () => Repository.DeleteAsync(stale, None);

        await delete.Should().ThrowAsync<ConcurrencyConflictException>();
        var stored = await Repository.GetAsync(configuration.Tenant, configuration.Id, None);
        stored!.Name.Should().Be("Newer");
        (await Repository.FindBySourceFlowAsync(FlowId.Parse(ThreeAppExample.WiceOut), None))!.Id.Should().Be(configuration.Id);
    }

    [Test]
    public async Task Deleting_twice_is_a_conflict()
    {
        var configuration = ThreeAppExample.Build();
        await Repository.AddAsync(configuration, None);
        await Repository.DeleteAsync(configuration, None);

        var again = () => Repository.DeleteAsync(configuration, None);

        await again.Should().ThrowAsync<ConcurrencyConflictException>();
    }

    [TestCase(ThreeAppExample.SnazzyOut)]
    [TestCase(ThreeAppExample.WiceOut)]
    [TestCase(ThreeAppExample.OutlookOut)] // an inactive outbound side is still found: routing decides on activity
    [TestCase(StoredConfigurations.CrmOut)]
    public async Task FindBySourceFlow_finds_the_configuration_by_any_outbound_flow(string flowId)
    {
        var configuration = StoredConfigurations.Rich("tenant-x");
        await Repository.AddAsync(configuration, None);
        await Repository.AddAsync(StoredConfigurations.Simple("tenant-y", "unrelated-out"), None);

        var found = await Repository.FindBySourceFlowAsync(FlowId.Parse(flowId), None);

        found.Should().NotBeNull();
        found.ShouldHaveStateOf(configuration);
        found.Tenant.Should().Be(TenantId.Parse("tenant-x"));
    }

    [TestCase(ThreeAppExample.SnazzyCreate)]
    [TestCase(ThreeAppExample.WiceUpdate)]
    [TestCase(StoredConfigurations.CrmDelete)]
    [TestCase("unknown-flow")]
    public async Task FindBySourceFlow_does_not_find_by_inbound_or_unknown_flows(string flowId)
    {
        await Repository.AddAsync(StoredConfigurations.Rich(), None);

        var found = await Repository.FindBySourceFlowAsync(FlowId.Parse(flowId), None);

        found.Should().BeNull();
    }

    [Test]
    public async Task FindBySourceFlow_stops_finding_the_flows_of_a_removed_app_once_saved()
    {
        var configuration = ThreeAppExample.Build();
        await Repository.AddAsync(configuration, None);
        var wice = configuration.Apps.Single(a => a.ApplicationUid.Value == "wice5678");

        configuration.RemoveApp(wice.Id, Later);
        await Repository.UpdateAsync(configuration, None);

        (await Repository.FindBySourceFlowAsync(FlowId.Parse(ThreeAppExample.WiceOut), None)).Should().BeNull();
        (await Repository.FindBySourceFlowAsync(FlowId.Parse(ThreeAppExample.SnazzyOut), None))!.Version.Should().Be(2);
    }

    [Test]
    public async Task FindBySourceFlow_finds_a_flow_assigned_by_an_update()
    {
        var configuration = StoredConfigurations.Rich();
        await Repository.AddAsync(configuration, None);
        var unprovisioned = configuration.Apps[3].Outbound.Connections[1];

        configuration.AssignFlow(unprovisioned.Id, FlowId.Parse("crm-org-out"), Later);
        await Repository.UpdateAsync(configuration, None);

        var found = await Repository.FindBySourceFlowAsync(FlowId.Parse("crm-org-out"), None);
        found!.Id.Should().Be(configuration.Id);
        found.Version.Should().Be(2);
    }

    [Test]
    public async Task StreamAll_returns_every_tenants_configurations()
    {
        var configurations = new[]
        {
            StoredConfigurations.Simple("tenant-a", "a-out"),
            StoredConfigurations.Simple("tenant-a", "a-out-2"),
            StoredConfigurations.Simple("tenant-b", "b-out"),
            StoredConfigurations.Rich("tenant-c"),
        };
        foreach (var configuration in configurations)
        {
            await Repository.AddAsync(configuration, None);
        }

        var streamed = new List<Configuration>();
        await foreach (var configuration in Repository.StreamAllAsync(None))
        {
            streamed.Add(configuration);
        }

        streamed.Select(c => c.Id).Should().BeEquivalentTo(configurations.Select(c => c.Id));
        streamed.Single(c => c.Id == configurations[3].Id).ShouldHaveStateOf(configurations[3]);
    }

    [Test]
    public async Task StreamAll_of_an_empty_store_returns_nothing()
    {
        var streamed = new List<Configuration>();
        await foreach (var configuration in Repository.StreamAllAsync(None))
        {
            streamed.Add(configuration);
        }

        streamed.Should().BeEmpty();
    }

    [Test]
    public async Task Of_parallel_updates_from_copies_of_one_version_exactly_one_succeeds()
    {
        const int writers = 8;
        var configuration = ThreeAppExample.Build();
        await Repository.AddAsync(configuration, None);
        var copies = new List<Configuration>();
        for (var i = 0; i < writers; i++)
        {
            var copy = (await Repository.GetAsync(configuration.Tenant, configuration.Id, None))!;
            copy.ChangeDetails($"Writer {i}", null, Later);
            copies.Add(copy);
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = copies.Select(copy => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await Repository.UpdateAsync(copy, None);
                return (Copy: copy, Error: (Exception?)null);
            }
            catch (Exception e)
            {
                return (Copy: copy, Error: e);
            }
        })).ToList();
        start.SetResult();
        var outcomes = await Task.WhenAll(attempts);

        outcomes.Where(o => o.Error is null).Should().ContainSingle();
        outcomes.Where(o => o.Error is not null).Select(o => o.Error)
            .Should().HaveCount(writers - 1).And.AllBeOfType<ConcurrencyConflictException>();
        var winner = outcomes.Single(o => o.Error is null).Copy;
        var stored = await Repository.GetAsync(configuration.Tenant, configuration.Id, None);
        stored!.Name.Should().Be(winner.Name);
        stored.Version.Should().Be(2);
    }
}
