using System.Data.Common;
using Dispatcher.Application.Abstractions;
using Dispatcher.Domain.Configurations;
using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>
/// <see cref="IFlowCleanupQueue"/> over the table <c>flow_cleanups</c> of the SQLite file, one row per flow. Times are
/// Unix milliseconds, UTC, so they read back at millisecond precision.
/// </summary>
internal sealed class SqliteFlowCleanupQueue(SqliteDatabase database) : IFlowCleanupQueue
{
    /// <summary>The table and its due-order index; idempotent.</summary>
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS flow_cleanups (
            flow_id          TEXT    NOT NULL PRIMARY KEY,
            tenant           TEXT    NOT NULL,
            configuration_id TEXT    NOT NULL,
            created_at       INTEGER NOT NULL, -- Unix milliseconds, UTC
            attempts         INTEGER NOT NULL,
            next_attempt_at  INTEGER NOT NULL, -- Unix milliseconds, UTC
            last_error       TEXT
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_flow_cleanups_next_attempt ON flow_cleanups (next_attempt_at, flow_id);
        """;

    /// <summary>Longer errors are cut to this many characters.</summary>
    public const int MaxErrorLength = 1000;

    private const string SelectCleanups =
        "SELECT flow_id, tenant, configuration_id, created_at, attempts, next_attempt_at, last_error FROM flow_cleanups";

    private const string DueOrder = "ORDER BY next_attempt_at, flow_id";

    private readonly SqliteTable _table = new(database, Schema);

    /// <inheritdoc />
    /// <remarks>All entries in one transaction. A flow already queued (or twice in the batch) keeps its first entry.</remarks>
    public async Task AddAsync(IEnumerable<PendingFlowCleanup> cleanups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cleanups);
        var entries = cleanups.ToList();
        if (entries.Exists(entry => entry is null))
        {
            throw new ArgumentException("A cleanup is null.", nameof(cleanups));
        }

        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await _table.OpenConnectionAsync(cancellationToken);
        // IMMEDIATE: take the write lock up front (see SqliteConfigurationRepository).
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var insert = Command(
            connection,
            """
            INSERT INTO flow_cleanups (flow_id, tenant, configuration_id, created_at, attempts, next_attempt_at, last_error)
            VALUES (@flowId, @tenant, @configurationId, @createdAt, @attempts, @nextAttemptAt, @lastError)
            ON CONFLICT (flow_id) DO NOTHING
            """,
            ("@flowId", string.Empty),
            ("@tenant", string.Empty),
            ("@configurationId", string.Empty),
            ("@createdAt", 0L),
            ("@attempts", 0),
            ("@nextAttemptAt", 0L),
            ("@lastError", DBNull.Value));
        foreach (var entry in entries)
        {
            insert.Parameters["@flowId"].Value = entry.FlowId.Value;
            insert.Parameters["@tenant"].Value = entry.Tenant.Value;
            insert.Parameters["@configurationId"].Value = entry.ConfigurationId.Value;
            insert.Parameters["@createdAt"].Value = entry.CreatedAt.ToUnixTimeMilliseconds();
            insert.Parameters["@attempts"].Value = entry.Attempts;
            insert.Parameters["@nextAttemptAt"].Value = entry.NextAttemptAt.ToUnixTimeMilliseconds();
            insert.Parameters["@lastError"].Value = (object?)Truncate(entry.LastError) ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PendingFlowCleanup>> GetDueAsync(
        DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            return [];
        }

        await using var connection = await _table.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            $"{SelectCleanups} WHERE next_attempt_at <= @now {DueOrder} LIMIT @max",
            ("@now", now.ToUnixTimeMilliseconds()),
            ("@max", max));
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<PendingFlowCleanup>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _table.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, $"{SelectCleanups} {DueOrder}");
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A flow that is not queued is ignored.</remarks>
    public async Task CompleteAsync(FlowId flowId, CancellationToken cancellationToken)
    {
        await using var connection = await _table.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection, "DELETE FROM flow_cleanups WHERE flow_id = @flowId", ("@flowId", flowId.Value));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A flow that is not queued (completed meanwhile) is ignored. The error is cut to
    /// <see cref="MaxErrorLength"/> characters.
    /// </remarks>
    public async Task RescheduleAsync(
        FlowId flowId, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lastError);
        await using var connection = await _table.OpenConnectionAsync(cancellationToken);
        await using var command = Command(
            connection,
            """
            UPDATE flow_cleanups
            SET attempts = attempts + 1, next_attempt_at = @nextAttemptAt, last_error = @lastError
            WHERE flow_id = @flowId
            """,
            ("@flowId", flowId.Value),
            ("@nextAttemptAt", nextAttemptAt.ToUnixTimeMilliseconds()),
            ("@lastError", Truncate(lastError)!));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// <paramref name="error"/> cut to <see cref="MaxErrorLength"/> characters, without splitting a surrogate pair.
    /// </summary>
    internal static string? Truncate(string? error) =>
        error is null || error.Length <= MaxErrorLength ? error
        : error[..(char.IsHighSurrogate(error[MaxErrorLength - 1]) ? MaxErrorLength - 1 : MaxErrorLength)];

    private static async Task<IReadOnlyList<PendingFlowCleanup>> ReadAllAsync(
        SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cleanups = new List<PendingFlowCleanup>();
        while (await reader.ReadAsync(cancellationToken))
        {
            cleanups.Add(Read(reader));
        }

        return cleanups;
    }

    private static PendingFlowCleanup Read(DbDataReader reader) => new(
        FlowId.Parse(reader.GetString(0)),
        TenantId.Parse(reader.GetString(1)),
        ConfigurationId.Parse(reader.GetString(2)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        reader.GetInt32(4),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        reader.IsDBNull(6) ? null : reader.GetString(6));

    private static SqliteCommand Command(
        SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
