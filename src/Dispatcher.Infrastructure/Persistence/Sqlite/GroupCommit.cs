namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>
/// Group commit for SQLite's single writer: items handed in while a batch is being written are written together by
/// the next batch, in one transaction. Every commit syncs the log and writers queue for the one write lock, so with
/// many concurrent writers one transaction per item costs a commit each; a batch costs little more than one.
/// </summary>
/// <remarks>
/// Once handed in, an item is not cancelled: another caller may already be writing it. When a batch fails, every
/// item in it fails with the same exception.
/// </remarks>
/// <typeparam name="T">What one caller writes.</typeparam>
internal sealed class GroupCommit<T>(Func<IReadOnlyList<T>, Task> writeBatch)
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private List<Queued> _queued = [];

    /// <summary>Writes <paramref name="item"/>, alone or with the items of other callers; completes once committed.</summary>
    public async Task WriteAsync(T item)
    {
        var queued = new Queued(item);
        lock (_gate)
        {
            _queued.Add(queued);
        }

        await _writer.WaitAsync();
        try
        {
            if (!queued.Written.Task.IsCompleted)
            {
                await WriteQueuedAsync();
            }
        }
        finally
        {
            _writer.Release();
        }

        await queued.Written.Task;
    }

    private async Task WriteQueuedAsync()
    {
        List<Queued> batch;
        lock (_gate)
        {
            batch = _queued;
            _queued = [];
        }

        try
        {
            await writeBatch([.. batch.Select(queued => queued.Item)]);
        }
        catch (Exception exception)
        {
            batch.ForEach(queued => queued.Written.TrySetException(exception));
            return;
        }

        batch.ForEach(queued => queued.Written.TrySetResult());
    }

    private sealed record Queued(T Item)
    {
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
