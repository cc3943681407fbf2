using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.Persistence.Sqlite;
using Dispatcher.TestSupport.Sqlite;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The lease store contract against a new SQLite file per test; the table is created on first use. Two
/// <see cref="SqliteDatabase"/> instances over one file stand for two service instances sharing it.
/// </summary>
[TestFixture]
public sealed class SqliteLeaseStoreTests : LeaseStoreContract
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(1);

    private TemporarySqliteFile? _file;
    private SqliteDatabase? _database;

    private TemporarySqliteFile DatabaseFile => _file!;

    protected override Task<ILeaseStore> CreateStoreAsync(TimeProvider time)
    {
        _file = new TemporarySqliteFile();
        _database = OpenDatabase();
        return Task.FromResult<ILeaseStore>(new SqliteLeaseStore(_database, time));
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
    public async Task The_lease_is_a_row_with_its_expiry_in_Unix_milliseconds()
    {
        await Leases.TryAcquireAsync(Lease, "instance-a", Duration, CancellationToken.None);

        (await DatabaseFile.ScalarAsync("SELECT name || ',' || holder || ',' || expires_at FROM leases"))
            .Should().Be($"{Lease},instance-a,{(Time.GetUtcNow() + Duration).ToUnixTimeMilliseconds()}");
    }

    [Test]
    public async Task Two_instances_over_one_file_share_the_lease()
    {
        using var secondDatabase = OpenDatabase();
        var second = new SqliteLeaseStore(secondDatabase, Time);

        (await Leases.TryAcquireAsync(Lease, "instance-a", Duration, CancellationToken.None)).Should().BeTrue();
        (await second.TryAcquireAsync(Lease, "instance-b", Duration, CancellationToken.None)).Should().BeFalse();

        await Leases.ReleaseAsync(Lease, "instance-a", CancellationToken.None);
        (await second.TryAcquireAsync(Lease, "instance-b", Duration, CancellationToken.None)).Should().BeTrue();
    }

    [Test]
    public async Task Of_many_concurrent_takers_on_two_instances_exactly_one_wins()
    {
        using var secondDatabase = OpenDatabase();
        ILeaseStore[] instances = [Leases, new SqliteLeaseStore(secondDatabase, Time)];
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 16)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await instances[i % 2].TryAcquireAsync(Lease, $"instance-{i}", Duration, CancellationToken.None);
            }))
            .ToList();

        start.SetResult();
        var results = await Task.WhenAll(attempts);

        results.Count(acquired => acquired).Should().Be(1);
    }

    /// <summary>A <see cref="SqliteDatabase"/> over the test's file; a second one stands for a second service instance.</summary>
    private SqliteDatabase OpenDatabase() => new(new SqliteStorageOptions { Path = DatabaseFile.Path });
}
