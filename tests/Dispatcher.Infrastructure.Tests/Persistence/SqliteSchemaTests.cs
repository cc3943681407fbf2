using Dispatcher.Infrastructure.Persistence.Sqlite;

namespace Dispatcher.Infrastructure.Tests.Persistence;

public sealed class SqliteSchemaTests
{
    [Test]
    public async Task Concurrent_first_callers_share_one_creation()
    {
        var creations = 0;
        var release = new TaskCompletionSource();
        var schema = new SqliteSchema(async () =>
        {
            Interlocked.Increment(ref creations);
            await release.Task;
        });

        var waits = Enumerable.Range(0, 8).Select(_ => schema.EnsureAsync(CancellationToken.None)).ToList();
        waits.Should().OnlyContain(wait => !wait.IsCompleted, "the schema is not there yet");
        release.SetResult();
        await Task.WhenAll(waits);
        await schema.EnsureAsync(CancellationToken.None);

        creations.Should().Be(1);
    }

    [Test]
    public async Task A_failed_creation_is_tried_again_by_the_next_caller()
    {
        var creations = 0;
        var schema = new SqliteSchema(() => ++creations == 1
            ? Task.FromException(new IOException("disk busy"))
            : Task.CompletedTask);

        var first = () => schema.EnsureAsync(CancellationToken.None);
        await first.Should().ThrowAsync<IOException>();
        await schema.EnsureAsync(CancellationToken.None);
        await schema.EnsureAsync(CancellationToken.None);

        creations.Should().Be(2);
    }

    [Test]
    public async Task A_cancelled_wait_does_not_cancel_the_creation_others_share()
    {
        var release = new TaskCompletionSource();
        var created = false;
        var schema = new SqliteSchema(async () =>
        {
            await release.Task;
            created = true;
        });
        using var cancelled = new CancellationTokenSource();

        var impatient = schema.EnsureAsync(cancelled.Token);
        var patient = schema.EnsureAsync(CancellationToken.None);
        await cancelled.CancelAsync();
        await ((Func<Task>)(() => impatient)).Should().ThrowAsync<OperationCanceledException>();
        release.SetResult();
        await patient;

        created.Should().BeTrue();
    }
}
