using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>
/// A table that a store keeps in the <see cref="SqliteDatabase"/> file next to the configuration schema. It is created
/// on first use, whoever asks first (once per instance; retried when it failed), and at start-up by
/// <see cref="SqliteSchemaInitializer"/> through <see cref="CreateAsync(SqliteDatabase, string, CancellationToken)"/>.
/// The schema must be idempotent (<c>IF NOT EXISTS</c>).
/// </summary>
internal sealed class SqliteTable(SqliteDatabase database, string schema)
{
    private readonly SqliteSchema _schema = new(() => CreateAsync(database, schema, CancellationToken.None));

    /// <summary>Runs <paramref name="schema"/> against <paramref name="database"/> (initializing the database first).</summary>
    public static async Task CreateAsync(SqliteDatabase database, string schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = schema;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An open connection to the database, the table created; the caller disposes it (back to the pool).</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken);
        return await database.OpenConnectionAsync(cancellationToken);
    }
}
