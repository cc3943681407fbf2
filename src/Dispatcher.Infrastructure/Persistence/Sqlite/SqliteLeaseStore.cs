using Dispatcher.Application.Ports;
using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>
/// <see cref="ILeaseStore"/> over the table <c>leases</c> of the SQLite file, one row per lease. Taking a lease is one
/// upsert statement, so concurrent takers (threads or processes sharing the file) cannot both succeed. A lease is
/// held until its <c>expires_at</c> (exclusive); "now" comes from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class SqliteLeaseStore(SqliteDatabase database, TimeProvider timeProvider) : ILeaseStore
{
    /// <summary>The table; idempotent.</summary>
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS leases (
            name       TEXT    NOT NULL PRIMARY KEY,
            holder     TEXT    NOT NULL,
            expires_at INTEGER NOT NULL -- Unix milliseconds, UTC
        ) WITHOUT ROWID;
        """;

    private readonly SqliteTable _table = new(database, Schema);

    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        await using var connection = await _table.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Inserts a free lease; takes over an expired one or renews our own (the WHERE of the update). Another
        // holder's live lease makes the update a no-op: no row changed.
        command.CommandText = """
            INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @expiresAt)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE leases.holder = excluded.holder OR leases.expires_at <= @now
            """;
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@holder", holder);
        command.Parameters.AddWithValue("@expiresAt", (now + duration).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        await using var connection = await _table.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM leases WHERE name = @name AND holder = @holder";
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@holder", holder);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
