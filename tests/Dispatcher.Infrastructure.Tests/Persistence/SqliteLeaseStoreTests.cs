using Dispatcher.Application.Abstractions;
using Dispatcher.Infrastructure.Persistence.Sqlite;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The lease store contract against a new SQLite file per test; the table is created on first use. Two
/// <see cref="SqliteDatabase"/> instances over one file stand for two service instances sharing it.
/// </summary>
[TestFixture]
public sealed class SqliteLeaseStoreTests : LeaseStoreContract
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(1);

    private TemporarySqliteDatabase? _store;

    private TemporarySqliteDatabase Store => _store!;

    protected override Task<ILeaseStore> CreateStoreAsync(TimeProvider time)
    {
        _store = new TemporarySqliteDatabase();
        return Task.FromResult<ILeaseStore>(new SqliteLeaseStore(_store.Database, time));
    }

    [TearDown]
    public void DeleteStore()
    {
        _store?.Dispose();
        _store = null;
    }

    [Test]
    public async Task The_lease_is_a_row_with_its_expiry_in_Unix_milliseconds()
    {
        await Leases.TryAcquireAsync(Lease, "instance-a", Duration, CancellationToken.None);

        (await Store.ScalarAsync("SELECT name || ',' || holder || ',' || expires_at FROM leases"))
            .Should().Be($"{Lease},instance-a,{(Time.GetUtcNow() + Duration).ToUnixTimeMilliseconds()}");
    }

    [Test]
    public async Task Two_instances_over_one_file_share_the_lease()
    {
        using var secondDatabase = Store.OpenSecond();
        var second = new SqliteLeaseStore(secondDatabase, Time);

        (await Leases.TryAcquireAsync(Lease, "instance-a", Duration, CancellationToken.None)).Should().BeTrue();
        (await second.TryAcquireAsync(Lease, "instance-b", Duration, CancellationToken.None)).Should().BeFalse();

        await Leases.ReleaseAsync(Lease, "instance-a", CancellationToken.None);
        (await second.TryAcquireAsync(Lease, "instance-b", Duration, CancellationToken.None)).Should().BeTrue();
    }

    [Test]
    public async Task Of_many_concurrent_takers_on_two_instances_exactly_one_wins()
    {
        using var secondDatabase = Store.OpenSecond();
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
}
