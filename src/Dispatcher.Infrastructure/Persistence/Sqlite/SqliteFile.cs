using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>How commits reach the disk (SQLite's <c>synchronous</c>, with the file in WAL mode).</summary>
internal enum SqliteCommitDurability
{
    /// <summary><c>FULL</c>: a commit survives a power loss.</summary>
    Full,

    /// <summary><c>NORMAL</c>: a commit survives the process dying; a power loss may roll back the last ones.</summary>
    Normal,
}

/// <summary>
/// The one way this service opens a SQLite file: pooled connections, each with the busy timeout and commit
/// durability set (both are per connection, and a pooled connection may be new), handed out only once the file's
/// schema exists. The schema is created once per instance, by whoever needs it first (the folder created first):
/// concurrent first callers share one creation, and a failed or cancelled creation is tried again by the next caller.
/// The schema must be idempotent and switch the file to WAL mode.
/// </summary>
internal sealed class SqliteFile
{
    /// <summary>How long a statement waits for another writer's lock unless configured otherwise.</summary>
    public const int DefaultBusyTimeoutMilliseconds = 5000;

    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly Func<SqliteConnection, Task> _createSchema;
    private readonly Lock _gate = new();
    private volatile Task? _creation;

    /// <param name="path">The file (made absolute).</param>
    /// <param name="busyTimeoutMilliseconds">How long a statement waits for another writer's lock.</param>
    /// <param name="durability">How commits reach the disk.</param>
    /// <param name="foreignKeys">Whether foreign keys are enforced.</param>
    /// <param name="createSchema">Creates the schema on a connection to the file; idempotent.</param>
    public SqliteFile(
        string path, int busyTimeoutMilliseconds, SqliteCommitDurability durability, bool foreignKeys,
        Func<SqliteConnection, Task> createSchema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = foreignKeys,
        }.ToString();
        _pragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {busyTimeoutMilliseconds}; PRAGMA synchronous = {(durability == SqliteCommitDurability.Full ? "FULL" : "NORMAL")};");
        _createSchema = createSchema;
    }

    public string Path { get; }

    /// <summary>Completes once the schema exists; <paramref name="cancellationToken"/> stops the wait, not the creation.</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_creation is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            if (_creation is null || _creation.IsFaulted || _creation.IsCanceled)
            {
                _creation = CreateSchemaAsync();
            }

            return _creation.WaitAsync(cancellationToken);
        }
    }

    /// <summary>An open connection, the schema created; the caller disposes it (back to the pool).</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        return await ConnectAsync(cancellationToken);
    }

    /// <summary>Releases the pooled connections to the file (so it can be deleted).</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private async Task CreateSchemaAsync()
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await ConnectAsync(CancellationToken.None);
        await _createSchema(connection);
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
