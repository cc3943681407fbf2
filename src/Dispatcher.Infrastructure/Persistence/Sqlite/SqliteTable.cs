using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>
/// A table that a store keeps in the <see cref="SqliteDatabase"/> file next to the configuration schema. It is created
/// at start-up by <see cref="SqliteSchemaInitializer"/> through
/// <see cref="CreateAsync(SqliteDatabase, string, CancellationToken)"/>, and on first use until that succeeds once per
/// instance (first callers at the same moment may each run it). The schema must be idempotent (<c>IF NOT EXISTS</c>).
/// </summary>
internal sealed class SqliteTable(SqliteDatabase database, string schema)
{
    private volatile bool _created;

    /// <summary>Runs <paramref name="schema"/> against <paramref name="database"/> (initializing the database first).</summary>
    public static async Task CreateAsync(SqliteDatabase database, string schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await RunAsync(connection, schema, cancellationToken);
    }

    /// <summary>An open connection to the database, the table created; the caller disposes it (back to the pool).</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenConnectionAsync(cancellationToken);
        if (!_created)
        {
            try
            {
                await RunAsync(connection, schema, cancellationToken);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }

            _created = true;
        }

        return connection;
    }

    private static async Task RunAsync(SqliteConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = schema;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
