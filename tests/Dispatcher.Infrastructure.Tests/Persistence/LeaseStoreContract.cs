using Dispatcher.Application.Ports;
using Dispatcher.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// The behaviour every <see cref="ILeaseStore"/> adapter must show. Each test gets an empty store from
/// <see cref="CreateStoreAsync"/>, reading "now" from <see cref="Time"/>; the adapter's fixture removes it in its own
/// tear-down.
/// </summary>
public abstract class LeaseStoreContract
{
    protected const string Lease = "reconciler";
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(1);

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected ILeaseStore Leases { get; private set; } = null!;

    private static CancellationToken None => CancellationToken.None;

    /// <summary>A lease store over a new, empty store, telling time by <paramref name="time"/>.</summary>
    protected abstract Task<ILeaseStore> CreateStoreAsync(TimeProvider time);

    [SetUp]
    public async Task CreateStore()
    {
        Time = new FakeTimeProvider(DispatchConfigurationBuilder.Now.AddMilliseconds(123));
        Leases = await CreateStoreAsync(Time);
    }

    [Test]
    public async Task The_first_holder_takes_a_free_lease()
    {
        (await Leases.TryAcquireAsync(Lease, "instance-a", Duration, None)).Should().BeTrue();
    }

    [Test]
    public async Task Another_holder_cannot_take_a_live_lease()
    {
        await Leases.TryAcquireAsync(Lease, "instance-a", Duration, None);
        Time.Advance(Duration - TimeSpan.FromMilliseconds(1));

        (await Leases.TryAcquireAsync(Lease, "instance-b", Duration, None)).Should().BeFalse();
    }

    [Test]
    public async Task The_holder_renews_its_lease_which_extends_it()
    {
        await Leases.TryAcquireAsync(Lease, "instance-a", Duration, None);
        Time.Advance(TimeSpan.FromSeconds(50));

        (await Leases.TryAcquireAsync(Lease, "instance-a", Duration, None)).Should().BeTrue();
        Time.Advance(TimeSpan.FromSeconds(30)); // past the first expiry, within the renewed one

        (await Leases.TryAcquireAsync(Lease, "instance-b", Duration, None)).Should().BeFalse();
        Time.Advance(TimeSpan.FromSeconds(30)); // past the renewed expiry
        (await Leases.TryAcquireAsync(Lease, "instance-b", Duration, None)).Should().BeTrue();
    }

    [Test]
    public async Task Another_holder_takes_the_lease_once_it_expired()
    {
        await Leases.TryAcquireAsync(Lease, "instance-a", Duration, None);
        Time.Advance(Duration);

        (await Leases.TryAcquireAsync(Lease, "instance-b", Duration, None)).Should().BeTrue();
        (await Leases.TryAcquireAsync(Lease, "instance-a", Duration, None)).Should().BeFalse();
    }

    [Test]
    public async Task Leases_of_different_names_are_independent()
    {
        await Leases.TryAcquireAsync(Lease, "instance-a", Duration, None);

        (await Leases.TryAcquireAsync("another-job", "instance-b", Duration, None)).Should().BeTrue();
        (await Leases.TryAcquireAsync(Lease, "instance-b", Duration, None)).Should().BeFalse();
    }

    [Test]
    public async Task Release_by_another_holder_does_nothing()
    {
        await Leases.TryAcquireAsync(Lease, "instance-a", Duration, None);

        await Leases.ReleaseAsync(Lease, "instance-b", None);

        (await Leases.TryAcquireAsync(Lease, "instance-b", Duration, None)).Should().BeFalse();
        (await Leases.TryAcquireAsync(Lease, "instance-a", Duration, None)).Should().BeTrue();
    }

    [Test]
    public async Task Release_by_the_holder_frees_the_lease_at_once()
    {
        await Leases.TryAcquireAsync(Lease, "instance-a", Duration, None);

        await Leases.ReleaseAsync(Lease, "instance-a", None);

        (await Leases.TryAcquireAsync(Lease, "instance-b", Duration, None)).Should().BeTrue();
    }

    [Test]
    public async Task Releasing_a_lease_nobody_holds_does_nothing()
    {
        await Leases.ReleaseAsync(Lease, "instance-a", None);

        (await Leases.TryAcquireAsync(Lease, "instance-b", Duration, None)).Should().BeTrue();
    }

    [Test]
    public async Task Of_many_concurrent_takers_of_a_free_lease_exactly_one_wins()
    {
        const int takers = 16;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, takers)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return (Holder: $"instance-{i}", Acquired: await Leases.TryAcquireAsync(Lease, $"instance-{i}", Duration, None));
            }))
            .ToList();

        start.SetResult();
        var results = await Task.WhenAll(attempts);

        var winner = results.Should().ContainSingle(r => r.Acquired).Subject.Holder;
        (await Leases.TryAcquireAsync(Lease, winner, Duration, None)).Should().BeTrue();
        results.Where(r => !r.Acquired).Should().HaveCount(takers - 1);
    }

    [TestCase(0)]
    [TestCase(-1)]
    public async Task A_duration_that_is_not_positive_is_refused(int seconds)
    {
        var take = () => Leases.TryAcquireAsync(Lease, "instance-a", TimeSpan.FromSeconds(seconds), None);

        await take.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }
}
