using Dispatcher.Infrastructure.Persistence.Sqlite;
using Dispatcher.TestSupport.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>The schema of a <see cref="SqliteFile"/>: created once per instance, by whoever needs it first.</summary>
public sealed class SqliteSchemaTests
{
    private TemporarySqliteFile _temporary = null!;

    [SetUp]
    public void SetUp() => _temporary = new TemporarySqliteFile();

    [TearDown]
    public void TearDown() => _temporary.Dispose();

    [Test]
    public async Task Concurrent_first_callers_share_one_creation()
    {
        var creations = 0;
        var release = new TaskCompletionSource();
        var schema = File(async _ =>
        {
            Interlocked.Increment(ref creations);
            await release.Task;
        });

        var waits = Enumerable.Range(0, 8).Select(_ => schema.EnsureSchemaAsync(CancellationToken.None)).ToList();
        waits.Should().OnlyContain(wait => !wait.IsCompleted, "the schema is not there yet");
        release.SetResult();
        await Task.WhenAll(waits);
        await schema.EnsureSchemaAsync(CancellationToken.None);

        creations.Should().Be(1);
    }

    [Test]
    public async Task A_failed_creation_is_tried_again_by_the_next_caller()
    {
        var creations = 0;
        var schema = File(_ => ++creations == 1
            ? Task.FromException(new IOException("disk busy"))
            : Task.CompletedTask);

        var first = () => schema.EnsureSchemaAsync(CancellationToken.None);
        await first.Should().ThrowAsync<IOException>();
        await schema.EnsureSchemaAsync(CancellationToken.None);
        await schema.EnsureSchemaAsync(CancellationToken.None);

        creations.Should().Be(2);
    }

    [Test]
    public async Task A_cancelled_wait_does_not_cancel_the_creation_others_share()
    {
        var release = new TaskCompletionSource();
        var created = false;
        var schema = File(async _ =>
        {
            await release.Task;
            created = true;
        });
        using var cancelled = new CancellationTokenSource();

        var impatient = schema.EnsureSchemaAsync(cancelled.Token);
        var patient = schema.EnsureSchemaAsync(CancellationToken.None);
        await cancelled.CancelAsync();
        await ((Func<Task>)(() => impatient)).Should().ThrowAsync<OperationCanceledException>();
        release.SetResult();
        await patient;

        created.Should().BeTrue();
    }

    private SqliteFile File(Func<SqliteConnection, Task> createSchema) => new(
        _temporary.Path, SqliteFile.DefaultBusyTimeoutMilliseconds, SqliteCommitDurability.Normal, foreignKeys: false, createSchema);
}
