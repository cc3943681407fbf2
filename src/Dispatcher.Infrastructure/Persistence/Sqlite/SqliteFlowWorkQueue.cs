using System.Data.Common;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Data.Sqlite;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>
/// <see cref="IFlowWorkQueue"/> over the table <c>flow_work</c> of the SQLite file, one row per flow. The
/// configuration repository writes rows in the transaction of the change that implies them
/// (<see cref="WriteAsync"/>). Times are Unix milliseconds, UTC.
/// </summary>
internal sealed class SqliteFlowWorkQueue : IFlowWorkQueue
{
    private const string Columns = "flow_id, generation, kind, tenant, configuration_id, requested_at, attempts, next_attempt_at, last_error";

    private readonly SqliteDatabase _database;
    private readonly GroupCommit<Outcome> _outcomes;

    public SqliteFlowWorkQueue(SqliteDatabase database)
    {
        _database = database;
        _outcomes = new GroupCommit<Outcome>(WriteOutcomesAsync);
    }

    /// <summary>
    /// Stores <paramref name="work"/> on <paramref name="connection"/> (inside the caller's transaction), due at
    /// once. An entry for a flow that has one already replaces it (new generation, attempts reset), except that a
    /// pending removal stays a removal: a flow being removed never comes back.
    /// </summary>
    public static async Task WriteAsync(SqliteConnection connection, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
    {
        if (work.Count == 0)
        {
            return;
        }

        await using var upsert = connection.CreateCommand();
        upsert.CommandText = $"""
            INSERT INTO flow_work ({Columns})
            VALUES (@flowId, @generation, @kind, @tenant, @configurationId, @requestedAt, 0, @requestedAt, NULL)
            ON CONFLICT (flow_id) DO UPDATE SET
                generation = excluded.generation,
                kind = CASE WHEN flow_work.kind = 'remove' THEN 'remove' ELSE excluded.kind END,
                tenant = coalesce(excluded.tenant, flow_work.tenant),
                configuration_id = excluded.configuration_id,
                requested_at = excluded.requested_at,
                attempts = 0,
                next_attempt_at = excluded.next_attempt_at,
                last_error = NULL
            """;
        var flowId = upsert.Parameters.Add("@flowId", SqliteType.Text);
        var generation = upsert.Parameters.Add("@generation", SqliteType.Integer);
        var kind = upsert.Parameters.Add("@kind", SqliteType.Text);
        var tenant = upsert.Parameters.Add("@tenant", SqliteType.Text);
        var configurationId = upsert.Parameters.Add("@configurationId", SqliteType.Text);
        var requestedAt = upsert.Parameters.Add("@requestedAt", SqliteType.Integer);
        foreach (var item in work)
        {
            flowId.Value = item.FlowId.Value;
            generation.Value = Random.Shared.NextInt64();
            kind.Value = FlowWorkText.Of(item.Kind);
            tenant.Value = (object?)item.Tenant?.Value ?? DBNull.Value;
            configurationId.Value = item.ConfigurationId.Value;
            requestedAt.Value = item.RequestedAt.ToUnixTimeMilliseconds();
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task EnqueueAsync(IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await WriteAsync(connection, work, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PendingFlowWork>> ClaimDueAsync(
        DateTimeOffset now, int max, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = SqliteCommands.Create(connection,
            $"""
            UPDATE flow_work SET next_attempt_at = @claimedUntil
            WHERE flow_id IN (SELECT flow_id FROM flow_work WHERE next_attempt_at <= @now ORDER BY next_attempt_at, flow_id LIMIT @max)
            RETURNING {Columns}
            """,
            ("@claimedUntil", (now + claimFor).ToUnixTimeMilliseconds()),
            ("@now", now.ToUnixTimeMilliseconds()),
            ("@max", max));
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<PendingFlowWork>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenConnectionAsync(cancellationToken);
        await using var command = SqliteCommands.Create(connection, $"SELECT {Columns} FROM flow_work ORDER BY next_attempt_at, flow_id");
        return await ReadAllAsync(command, cancellationToken);
    }

    public Task CompleteAsync(PendingFlowWork entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _outcomes.WriteAsync(new Outcome(entry, NextAttemptAt: null, Error: null, Failed: false));
    }

    public Task RescheduleAsync(
        PendingFlowWork entry, DateTimeOffset nextAttemptAt, string? error, bool failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _outcomes.WriteAsync(new Outcome(entry, nextAttemptAt, error, failed));
    }

    // The runner records up to WorkParallelism outcomes at once: they share one transaction.
    private async Task WriteOutcomesAsync(IReadOnlyList<Outcome> outcomes)
    {
        await using var connection = await _database.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var complete = SqliteCommands.Create(connection,
            "DELETE FROM flow_work WHERE flow_id = @flowId AND generation = @generation",
            ("@flowId", string.Empty),
            ("@generation", 0L));
        await using var reschedule = SqliteCommands.Create(connection,
            """
            UPDATE flow_work SET next_attempt_at = @nextAttemptAt, attempts = attempts + @failed, last_error = @lastError
            WHERE flow_id = @flowId AND generation = @generation
            """,
            ("@nextAttemptAt", 0L),
            ("@failed", 0),
            ("@lastError", DBNull.Value),
            ("@flowId", string.Empty),
            ("@generation", 0L));
        foreach (var outcome in outcomes)
        {
            var command = complete;
            if (outcome.NextAttemptAt is { } next)
            {
                command = reschedule;
                command.Parameters["@nextAttemptAt"].Value = next.ToUnixTimeMilliseconds();
                command.Parameters["@failed"].Value = outcome.Failed ? 1 : 0;
                command.Parameters["@lastError"].Value = (object?)FlowWorkText.Truncate(outcome.Error) ?? DBNull.Value;
            }

            command.Parameters["@flowId"].Value = outcome.Entry.Work.FlowId.Value;
            command.Parameters["@generation"].Value = outcome.Entry.Generation;

            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static async Task<IReadOnlyList<PendingFlowWork>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<PendingFlowWork>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    private static PendingFlowWork Read(DbDataReader reader) => new(
        new FlowWork(
            FlowId.Parse(reader.GetString(0)),
            FlowWorkText.ParseKind(reader.GetString(2)),
            reader.IsDBNull(3) ? null : TenantId.Parse(reader.GetString(3)),
            ConfigurationId.Parse(reader.GetString(4)),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))),
        reader.GetInt64(1),
        reader.GetInt32(6),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        reader.IsDBNull(8) ? null : reader.GetString(8));

    /// <summary>A completion (<see cref="NextAttemptAt"/> null) or a reschedule of one entry.</summary>
    private sealed record Outcome(PendingFlowWork Entry, DateTimeOffset? NextAttemptAt, string? Error, bool Failed);
}
