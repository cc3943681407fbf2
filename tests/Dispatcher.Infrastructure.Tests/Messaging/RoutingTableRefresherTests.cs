using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Infrastructure.Messaging.Routing;
using Dispatcher.Infrastructure.Persistence.Sqlite;
using Dispatcher.Infrastructure.Tests.Persistence;
using Dispatcher.TestSupport.Sqlite;
using Dispatcher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Tests.Messaging;

/// <summary>
/// The full reload (the start-up load and the periodic one) over a real SQLite store: what the table holds after it.
/// </summary>
[TestFixture]
public sealed class RoutingTableRefresherTests
{
    private TemporarySqliteFile _file = null!;
    private ServiceProvider _services = null!;
    private SqliteConfigurationRepository _repository = null!;
    private RoutingTable _table = null!;
    private RoutingTableRefresher _refresher = null!;

    [SetUp]
    public void CreateStore()
    {
        _file = new TemporarySqliteFile("refresher.db");
        var database = new SqliteDatabase(new SqliteStorageOptions { Path = _file.Path });
        _services = new ServiceCollection()
            .AddSingleton(database)
            .AddScoped<IConfigurationRepository, SqliteConfigurationRepository>()
            .BuildServiceProvider();
        _repository = new SqliteConfigurationRepository(database);
        _table = new RoutingTable();
        _refresher = new RoutingTableRefresher(
            _services.GetRequiredService<IServiceScopeFactory>(), _table, TimeProvider.System,
            Options.Create(new DispatchOptions()), NullLogger<RoutingTableRefresher>.Instance);
    }

    [TearDown]
    public async Task DeleteStore()
    {
        _refresher.Dispose();
        await _services.DisposeAsync();
        _file.Dispose();
    }

    [Test]
    public async Task Loads_every_stored_configuration_at_its_stored_version_with_all_its_sources()
    {
        var configurations = new[] { StoredConfigurations.Rich("tenant-a"), StoredConfigurations.Simple("tenant-b", "b-out") };
        foreach (var configuration in configurations)
        {
            await _repository.AddAsync(configuration, CancellationToken.None);
        }

        var loaded = await _refresher.RefreshAsync(CancellationToken.None);

        loaded.Should().Be(2);
        _table.ConfigurationIds.Should().BeEquivalentTo(configurations.Select(c => c.Id));
        configurations.Select(c => _table.VersionOf(c.Id)).Should().Equal(1L, 1L);
        _table.SourceCount.Should().Be(configurations.Sum(SourceFlows));
        Knows("b-out").Should().BeTrue();
    }

    [Test]
    public async Task A_later_reload_takes_updates_and_removes_what_was_deleted_from_the_store()
    {
        var kept = StoredConfigurations.Simple("tenant-a", "kept-out");
        var deleted = StoredConfigurations.Simple("tenant-a", "deleted-out");
        await _repository.AddAsync(kept, CancellationToken.None);
        await _repository.AddAsync(deleted, CancellationToken.None);
        await _refresher.RefreshAsync(CancellationToken.None);

        var changed = (await _repository.GetAsync(kept.Tenant, kept.Id, CancellationToken.None))!;
        changed.AssignFlow(changed.Apps[0].Outbound.Connections[0].Id, FlowId.Parse("moved-out"), DispatchConfigurationBuilder.Now.AddHours(1));
        await _repository.UpdateAsync(changed, CancellationToken.None);
        await _repository.DeleteAsync((await _repository.GetAsync(deleted.Tenant, deleted.Id, CancellationToken.None))!, [], CancellationToken.None);
        var loaded = await _refresher.RefreshAsync(CancellationToken.None);

        loaded.Should().Be(1);
        _table.ConfigurationIds.Should().Equal(kept.Id);
        _table.VersionOf(kept.Id).Should().Be(2);
        Knows("moved-out").Should().BeTrue();
        Knows("kept-out").Should().BeFalse();
        Knows("deleted-out").Should().BeFalse();
    }

    [Test]
    public async Task A_configuration_in_the_table_but_not_stored_is_removed_and_an_equal_version_is_kept_as_loaded()
    {
        var stored = StoredConfigurations.Simple("tenant-a", "stored-out");
        await _repository.AddAsync(stored, CancellationToken.None);
        var stray = StoredConfigurations.Simple("tenant-a", "stray-out");
        _table.Upsert(stray);

        await _refresher.RefreshAsync(CancellationToken.None);
        await _refresher.RefreshAsync(CancellationToken.None);

        _table.ConfigurationIds.Should().Equal(stored.Id);
        Knows("stray-out").Should().BeFalse();
        Knows("stored-out").Should().BeTrue();
    }

    private static int SourceFlows(Configuration configuration) =>
        configuration.Apps.SelectMany(a => a.Outbound.Connections).Select(c => c.FlowId).OfType<FlowId>().Distinct().Count();

    // Whether the table knows the flow as a source (the one-app test configurations have no target: NoMatchingTarget).
    private bool Knows(string sourceFlow) =>
        _table.Route(RecordEvents.From(sourceFlow, Operation.Create)).Outcome != RoutingOutcome.UnknownSource;
}
