using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Sqlite;
using Dispatcher.TestSupport.Sqlite;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>The flow work queue contract against a new SQLite file per test.</summary>
[TestFixture]
public sealed class SqliteFlowWorkQueueTests : FlowWorkQueueContract
{
    private TemporarySqliteFile? _file;
    private SqliteDatabase? _database;

    private TemporarySqliteFile DatabaseFile => _file!;

    protected override Task<(IFlowWorkQueue Queue, IConfigurationRepository Repository)> CreateStoreAsync()
    {
        _file = new TemporarySqliteFile();
        _database = OpenDatabase();
        return Task.FromResult<(IFlowWorkQueue, IConfigurationRepository)>(
            (new SqliteFlowWorkQueue(_database), new SqliteConfigurationRepository(_database)));
    }

    [TearDown]
    public void DeleteStore()
    {
        _database?.Dispose();
        _database = null;
        _file?.Dispose();
        _file = null;
    }

    [Test]
    public async Task Times_are_stored_in_Unix_milliseconds()
    {
        await Queue.EnqueueAsync([Work("flow-1", at: T0.AddMinutes(1))], CancellationToken.None);

        (await DatabaseFile.ScalarAsync("SELECT requested_at || ',' || next_attempt_at || ',' || attempts || ',' || kind FROM flow_work"))
            .Should().Be($"{T0.AddMinutes(1).ToUnixTimeMilliseconds()},{T0.AddMinutes(1).ToUnixTimeMilliseconds()},0,remove");
    }

    [Test]
    public async Task Entries_survive_a_restart()
    {
        await Queue.EnqueueAsync([Work("flow-1")], CancellationToken.None);
        var before = await Queue.ListAsync(CancellationToken.None);

        using var restarted = OpenDatabase();
        var listed = await new SqliteFlowWorkQueue(restarted).ListAsync(CancellationToken.None);

        listed.Should().Equal(before);
    }

    [Test]
    public async Task Pending_removals_of_the_earlier_cleanup_table_are_carried_over_once()
    {
        await DatabaseFile.ExecuteAsync($"""
            CREATE TABLE flow_cleanups (flow_id TEXT NOT NULL PRIMARY KEY, tenant TEXT NOT NULL, configuration_id TEXT NOT NULL,
                created_at INTEGER NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, last_error TEXT) WITHOUT ROWID;
            INSERT INTO flow_cleanups VALUES ('flow-1', 'tenant-a', '65f0000000000000000000a1', {T0.ToUnixTimeMilliseconds()}, 3,
                {T0.AddMinutes(1).ToUnixTimeMilliseconds()}, 'still running');
            """);

        var entry = (await Queue.ListAsync(CancellationToken.None)).Should().ContainSingle().Subject;

        entry.Work.Should().Be(new FlowWork(
            FlowId.Parse("flow-1"), FlowWorkKind.Remove, TenantId.Parse("tenant-a"), ConfigurationId.Parse("65f0000000000000000000a1"), T0));
        entry.Attempts.Should().Be(3);
        entry.LastError.Should().Be("still running");
        (await DatabaseFile.ScalarAsync("SELECT count(*) FROM sqlite_master WHERE name = 'flow_cleanups'")).Should().Be("0");
    }

    /// <summary>A <see cref="SqliteDatabase"/> over the test's file; a second one stands for a second service instance.</summary>
    private SqliteDatabase OpenDatabase() => new(new SqliteStorageOptions { Path = DatabaseFile.Path });
}
