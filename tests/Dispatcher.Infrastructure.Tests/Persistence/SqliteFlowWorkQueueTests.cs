using Dispatcher.Application.Abstractions;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Sqlite;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>The flow work queue contract against a new SQLite file per test.</summary>
[TestFixture]
public sealed class SqliteFlowWorkQueueTests : FlowWorkQueueContract
{
    private TemporarySqliteDatabase? _store;

    private TemporarySqliteDatabase Store => _store!;

    protected override Task<(IFlowWorkQueue Queue, IConfigurationRepository Repository)> CreateStoreAsync()
    {
        _store = new TemporarySqliteDatabase();
        return Task.FromResult<(IFlowWorkQueue, IConfigurationRepository)>(
            (new SqliteFlowWorkQueue(_store.Database), new SqliteConfigurationRepository(_store.Database)));
    }

    [TearDown]
    public void DeleteStore()
    {
        _store?.Dispose();
        _store = null;
    }

    [Test]
    public async Task Times_are_stored_in_Unix_milliseconds()
    {
        await Queue.EnqueueAsync([Work("flow-1", at: T0.AddMinutes(1))], CancellationToken.None);

        (await Store.ScalarAsync("SELECT requested_at || ',' || next_attempt_at || ',' || attempts || ',' || kind FROM flow_work"))
            .Should().Be($"{T0.AddMinutes(1).ToUnixTimeMilliseconds()},{T0.AddMinutes(1).ToUnixTimeMilliseconds()},0,remove");
    }

    [Test]
    public async Task Entries_survive_a_restart()
    {
        await Queue.EnqueueAsync([Work("flow-1")], CancellationToken.None);
        var before = await Queue.ListAsync(CancellationToken.None);

        using var restarted = Store.OpenSecond();
        var listed = await new SqliteFlowWorkQueue(restarted).ListAsync(CancellationToken.None);

        listed.Should().Equal(before);
    }

    [Test]
    public async Task Pending_removals_of_the_earlier_cleanup_table_are_carried_over_once()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Store.Database.FilePath)!);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Store.Database.FilePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                CREATE TABLE flow_cleanups (flow_id TEXT NOT NULL PRIMARY KEY, tenant TEXT NOT NULL, configuration_id TEXT NOT NULL,
                    created_at INTEGER NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, last_error TEXT) WITHOUT ROWID;
                INSERT INTO flow_cleanups VALUES ('flow-1', 'tenant-a', '65f0000000000000000000a1', {T0.ToUnixTimeMilliseconds()}, 3,
                    {T0.AddMinutes(1).ToUnixTimeMilliseconds()}, 'still running');
                """;
            await command.ExecuteNonQueryAsync();
        }

        var entry = (await Queue.ListAsync(CancellationToken.None)).Should().ContainSingle().Subject;

        entry.Work.Should().Be(new FlowWork(
            FlowId.Parse("flow-1"), FlowWorkKind.Remove, TenantId.Parse("tenant-a"), ConfigurationId.Parse("65f0000000000000000000a1"), T0));
        entry.Attempts.Should().Be(3);
        entry.LastError.Should().Be("still running");
        (await Store.ScalarAsync("SELECT count(*) FROM sqlite_master WHERE name = 'flow_cleanups'")).Should().Be("0");
    }
}
