using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.FlowRegistry;

/// <summary>
/// The SQLite file of the standalone registry: hands out a fresh pooled connection per operation and creates the
/// <c>standalone_flows</c> table on first use (once per instance; retried when it failed).
/// </summary>
internal sealed class StandaloneFlowDatabase
{
    private const string SchemaSql = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS standalone_flows (
            id                TEXT NOT NULL PRIMARY KEY,
            tenant            TEXT NOT NULL,
            configuration_id  TEXT NOT NULL,
            connection_id     TEXT NOT NULL,
            direction         TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
            name              TEXT NOT NULL,
            status            TEXT NOT NULL CHECK (status IN ('inactive', 'starting', 'active', 'stopping')),
            status_changed_at TEXT NOT NULL,
            created_at        TEXT NOT NULL
        );
        """;

    private readonly string _path;
    private readonly string _connectionString;
    private readonly Lock _schemaGate = new();
    private Task? _schema;

    /// <summary>Uses the database file at <paramref name="path"/> (created with its folder when missing).</summary>
    public StandaloneFlowDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    /// <summary>An open connection to a database whose schema exists. The caller disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().WaitAsync(cancellationToken);
        return await OpenConnectionAsync(cancellationToken);
    }

    private Task EnsureSchemaAsync()
    {
        lock (_schemaGate)
        {
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                // Not tied to one caller's token: concurrent first callers share this task.
                _schema = CreateSchemaAsync();
            }

            return _schema;
        }
    }

    private async Task CreateSchemaAsync()
    {
        if (Path.GetDirectoryName(_path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = SchemaSql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Both are per connection, and a pooled connection may be new: set them on every open. With WAL,
            // synchronous=NORMAL loses nothing when the process dies (kill -9); only a power loss or an OS crash may
            // roll back the last commits — flows the reconciler then finds missing and creates again. Commits no
            // longer wait for a disk sync, which made each flow creation and status change cost ≈ 1 ms here.
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;";
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
