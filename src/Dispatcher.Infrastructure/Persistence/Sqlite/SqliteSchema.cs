namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>
/// A schema created once per instance, by whoever needs it first: concurrent first callers share one creation, and a
/// failed or cancelled creation is tried again by the next caller. The one "create the schema on first use" of the
/// SQLite files (the store, the tables beside it, the standalone flow registry); the schema must be idempotent.
/// </summary>
internal sealed class SqliteSchema(Func<Task> create)
{
    private readonly Lock _gate = new();
    private volatile Task? _creation;

    /// <summary>Completes once the schema exists; <paramref name="cancellationToken"/> stops the wait, not the creation.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_creation is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            if (_creation is null || _creation.IsFaulted || _creation.IsCanceled)
            {
                _creation = create();
            }

            return _creation.WaitAsync(cancellationToken);
        }
    }
}
