using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>
/// The SQLite database file: hands out open connections (pooled, one per operation) and creates the schema once,
/// before the first connection is handed out, whoever asks first (the start-up initializer or a repository call).
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS configurations (
            id         TEXT    NOT NULL PRIMARY KEY,
            tenant     TEXT    NOT NULL,
            version    INTEGER NOT NULL,
            created_at INTEGER NOT NULL, -- Unix milliseconds, UTC
            updated_at INTEGER NOT NULL, -- Unix milliseconds, UTC
            document   TEXT    NOT NULL  -- ConfigurationDocument as JSON
        );
        CREATE INDEX IF NOT EXISTS ix_configurations_tenant ON configurations (tenant, created_at, id);
        CREATE TABLE IF NOT EXISTS configuration_sources (
            flow_id          TEXT NOT NULL PRIMARY KEY,
            configuration_id TEXT NOT NULL REFERENCES configurations (id) ON DELETE CASCADE
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_configuration_sources_configuration ON configuration_sources (configuration_id);
        CREATE TABLE IF NOT EXISTS flow_work (
            flow_id          TEXT    NOT NULL PRIMARY KEY,
            generation       INTEGER NOT NULL,
            kind             TEXT    NOT NULL CHECK (kind IN ('start', 'stop', 'remove', 'declare-destination')),
            tenant           TEXT,
            configuration_id TEXT    NOT NULL,
            requested_at     INTEGER NOT NULL, -- Unix milliseconds, UTC
            attempts         INTEGER NOT NULL,
            next_attempt_at  INTEGER NOT NULL, -- Unix milliseconds, UTC
            last_error       TEXT
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_flow_work_due ON flow_work (next_attempt_at, flow_id);
        """;

    // Before flow work was stored with each change, pending removals had their own table: carried over once.
    private const string CarryOverCleanups = """
        INSERT INTO flow_work (flow_id, generation, kind, tenant, configuration_id, requested_at, attempts, next_attempt_at, last_error)
        SELECT flow_id, 0, 'remove', tenant, configuration_id, created_at, attempts, next_attempt_at, last_error FROM flow_cleanups WHERE true
        ON CONFLICT (flow_id) DO NOTHING;
        DROP TABLE flow_cleanups;
        """;

    private readonly SqliteFile _file;

    public SqliteDatabase(SqliteStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _file = new SqliteFile(options.Path, options.BusyTimeoutMilliseconds, SqliteCommitDurability.Full, foreignKeys: true, CreateSchemaAsync);
    }

    public string FilePath => _file.Path;

    /// <summary>Creates the directory, switches the file to WAL mode and creates the schema; idempotent.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => _file.EnsureSchemaAsync(cancellationToken);

    /// <summary>An open connection to the initialized database; the caller disposes it (back to the pool).</summary>
    public Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    /// <summary>Releases the pooled connections to the file (so it can be deleted).</summary>
    public void Dispose()
    {
        _file.ClearPool();
    }

    private static async Task CreateSchemaAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'flow_cleanups'";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            command.Transaction = transaction;
            command.CommandText = CarryOverCleanups;
            await command.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }
    }
}
