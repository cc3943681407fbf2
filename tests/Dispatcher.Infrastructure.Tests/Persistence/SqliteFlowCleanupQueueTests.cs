using Dispatcher.Application.Abstractions;
using Dispatcher.Infrastructure.Persistence.Sqlite;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The flow cleanup queue contract against a new SQLite file per test. The table is deliberately not created up front:
/// the queue must create it on first use, as when it is used before the start-up initializer ran.
/// </summary>
[TestFixture]
public sealed class SqliteFlowCleanupQueueTests : FlowCleanupQueueContract
{
    private TemporarySqliteDatabase? _store;

    private TemporarySqliteDatabase Store => _store!;

    protected override Task<IFlowCleanupQueue> CreateQueueAsync()
    {
        _store = new TemporarySqliteDatabase();
        return Task.FromResult<IFlowCleanupQueue>(new SqliteFlowCleanupQueue(_store.Database));
    }

    [TearDown]
    public void DeleteStore()
    {
        _store?.Dispose();
        _store = null;
    }

    [Test]
    public async Task The_table_and_its_index_are_created_on_first_use_with_times_in_Unix_milliseconds()
    {
        File.Exists(Store.Database.FilePath).Should().BeFalse();

        await Queue.AddAsync([Pending("flow-1", T0.AddMinutes(1))], CancellationToken.None);

        (await Store.ScalarAsync("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE tbl_name = 'flow_cleanups' ORDER BY name)"))
            .Should().Be("flow_cleanups,ix_flow_cleanups_next_attempt");
        (await Store.ScalarAsync("SELECT created_at || ',' || next_attempt_at || ',' || attempts || ',' || (last_error IS NULL) FROM flow_cleanups"))
            .Should().Be($"{T0.ToUnixTimeMilliseconds()},{T0.AddMinutes(1).ToUnixTimeMilliseconds()},0,1");
    }

    [Test]
    public async Task Concurrent_first_uses_create_the_table_once()
    {
        var lists = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Queue.ListAsync(CancellationToken.None))));

        lists.Should().OnlyContain(list => list.Count == 0);
    }

    [Test]
    public async Task Entries_survive_a_restart()
    {
        await Queue.AddAsync([Pending("flow-1")], CancellationToken.None);

        using var restarted = Store.OpenSecond();
        var listed = await new SqliteFlowCleanupQueue(restarted).ListAsync(CancellationToken.None);

        listed.Should().Equal(Pending("flow-1"));
    }
}
