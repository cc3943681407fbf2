using Dispatcher.Infrastructure.Persistence.Sqlite;
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

    private readonly SqliteFile _file;
    private readonly SqliteSchema _schema;

    /// <summary>Uses the database file at <paramref name="path"/> (created with its folder when missing).</summary>
    public StandaloneFlowDatabase(string path)
    {
        // NORMAL: nothing is lost when the process dies; a power loss may roll back the last commits — flows the
        // reconciler then finds missing and creates again (one WAL with the store: its next FULL commit makes the
        // registry's earlier ones durable too).
        _file = new SqliteFile(path, SqliteFile.DefaultBusyTimeoutMilliseconds, SqliteCommitDurability.Normal, foreignKeys: false);
        _schema = new SqliteSchema(CreateSchemaAsync);
    }

    /// <summary>An open connection to a database whose schema exists. The caller disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken);
        return await _file.OpenAsync(cancellationToken);
    }

    private async Task CreateSchemaAsync()
    {
        _file.CreateDirectory();
        await using var connection = await _file.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = SchemaSql;
        await command.ExecuteNonQueryAsync();
    }
}
