using System.Globalization;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.FlowRegistry;

/// <summary>
/// The embedded <see cref="IFlowProvisioner"/> used when no Flow Repository is configured: it keeps flows in the
/// SQLite table <c>standalone_flows</c> and follows the Flow Repository's lifecycle (created <c>inactive</c>; start →
/// <c>starting</c>; stop → <c>stopping</c>; only an <c>inactive</c> flow can be deleted). With no component orchestrator
/// to report back, a <c>starting</c> flow counts as <c>active</c> and a <c>stopping</c> one as <c>inactive</c> once
/// <see cref="StandaloneFlowRegistryOptions.TransitionDelay"/> has passed; the settled status is stored when observed.
/// </summary>
/// <remarks>
/// Visibility: a service context (<see cref="FlowCallContext.BearerToken"/> null) sees every flow, as the
/// dispatcher's service token with <c>all</c> does in the Flow Repository. The registry does not validate or
/// introspect a caller's token either: the API has already authenticated the caller and checked that the
/// configuration belongs to the caller's tenant, so every context sees every flow here. Each flow still records
/// the tenant it was created for.
/// </remarks>
internal sealed class StandaloneFlowRegistry : IFlowProvisioner
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

    private const string Columns =
        "id, tenant, configuration_id, connection_id, direction, name, status, status_changed_at, created_at";

    private readonly SqliteFile _file;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _transitionDelay;
    private readonly GroupCommit<StandaloneFlow> _inserts;

    public StandaloneFlowRegistry(IOptions<StandaloneFlowRegistryOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        // NORMAL: nothing is lost when the process dies; a power loss may roll back the last commits — flows the
        // reconciler then finds missing and creates again (one WAL with the store: its next FULL commit makes the
        // registry's earlier ones durable too).
        _file = new SqliteFile(
            options.Value.ResolvedPath, SqliteFile.DefaultBusyTimeoutMilliseconds, SqliteCommitDurability.Normal, foreignKeys: false,
            CreateSchemaAsync);
        _transitionDelay = options.Value.TransitionDelay;
        _timeProvider = timeProvider;
        _inserts = new GroupCommit<StandaloneFlow>(InsertAsync);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Creations that arrive while others are being written are written together (<see cref="GroupCommit{T}"/>).
    /// Once queued, a creation is not cancelled: its flow carries its owner, so a flow whose configuration write
    /// never commits is still found and removed.
    /// </remarks>
    public async Task<FlowId> CreateAsync(
        FlowDefinition definition, FlowCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        var flow = new StandaloneFlow(
            FlowId.Parse(ObjectIdText.NewRandom()), definition.Tenant.Value, definition.ConfigurationId,
            definition.Connection.Id, definition.Connection.Direction, FlowNames.For(definition.App, definition.Connection),
            FlowStatus.Inactive, now, now);
        await _inserts.WriteAsync(flow);
        return flow.Id;
    }

    private Task InsertAsync(IReadOnlyList<StandaloneFlow> flows) =>
        RunAsync(
            async (connection, ct) =>
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                await using var command = connection.CreateCommand();
                command.CommandText = $"""
                    INSERT INTO standalone_flows ({Columns})
                    VALUES (@id, @tenant, @configurationId, @connectionId, @direction, @name, @status, @statusChangedAt, @createdAt);
                    """;
                var parameters = new[] { "@id", "@tenant", "@configurationId", "@connectionId", "@direction", "@name", "@status", "@statusChangedAt", "@createdAt" }
                    .Select(name => command.Parameters.Add(name, SqliteType.Text))
                    .ToArray();
                foreach (var flow in flows)
                {
                    string[] values =
                    [
                        flow.Id.Value, flow.Tenant, flow.ConfigurationId.Value, flow.ConnectionId.Value, DirectionText(flow.Direction),
                        flow.Name, FlowLifecycle.ToText(flow.Status), TimestampText(flow.StatusChangedAt), TimestampText(flow.CreatedAt),
                    ];
                    for (var i = 0; i < values.Length; i++)
                    {
                        parameters[i].Value = values[i];
                    }

                    await command.ExecuteNonQueryAsync(ct);
                }

                await transaction.CommitAsync(ct);
                return true;
            },
            CancellationToken.None);

    public Task<FlowStatus?> GetStatusAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
        RunAsync<FlowStatus?>(
            async (connection, ct) =>
            {
                var flow = await FindAsync(connection, flowId, ct);
                return flow is null ? null : (await SettleAsync(connection, flow, _timeProvider.GetUtcNow(), ct)).Status;
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>Starting a flow that is already starting or active changes nothing.</remarks>
    public Task StartAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
        ChangeStatusAsync(flowId, FlowLifecycle.Start, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Stopping a flow that is already stopping or inactive changes nothing.</remarks>
    public Task StopAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
        ChangeStatusAsync(flowId, FlowLifecycle.Stop, cancellationToken);

    public Task DeleteAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
        RunAsync(
            async (connection, ct) =>
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                var flow = await FindAsync(connection, flowId, ct);
                if (flow is null)
                {
                    return false;
                }

                var settled = await SettleAsync(connection, flow, _timeProvider.GetUtcNow(), ct);
                if (settled.Status != FlowStatus.Inactive)
                {
                    await transaction.CommitAsync(ct);
                    throw new FlowRepositoryException(
                        FlowFailure.Conflict,
                        $"Flow {flowId} is not inactive. Current status: {FlowLifecycle.ToText(settled.Status)}");
                }

                await using var command = connection.CreateCommand();
                command.CommandText = "DELETE FROM standalone_flows WHERE id = @id;";
                command.Parameters.AddWithValue("@id", flowId.Value);
                await command.ExecuteNonQueryAsync(ct);
                await transaction.CommitAsync(ct);
                return true;
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>Pages by flow id (<paramref name="page"/> is the last id of the previous page).</remarks>
    public Task<FlowPage> ListAsync(string? page, int pageSize, CancellationToken cancellationToken) =>
        RunAsync(
            async (connection, ct) =>
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
                var flows = new List<StandaloneFlow>();
                await using (var command = connection.CreateCommand())
                {
                    command.CommandText = $"SELECT {Columns} FROM standalone_flows WHERE id > @after ORDER BY id LIMIT @size;";
                    command.Parameters.AddWithValue("@after", page ?? string.Empty);
                    command.Parameters.AddWithValue("@size", pageSize);
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        flows.Add(Read(reader));
                    }
                }

                var now = _timeProvider.GetUtcNow();
                var summaries = new List<FlowSummary>(flows.Count);
                foreach (var flow in flows)
                {
                    var settled = await SettleAsync(connection, flow, now, ct);
                    summaries.Add(new FlowSummary(
                        settled.Id, settled.Status, new FlowOwner(settled.ConfigurationId, settled.ConnectionId), settled.CreatedAt));
                }

                return new FlowPage(summaries, flows.Count < pageSize ? null : flows[^1].Id.Value);
            },
            cancellationToken);

    /// <summary>Every flow, oldest first, with due transitions settled (for diagnostics and tests).</summary>
    public Task<IReadOnlyList<StandaloneFlow>> ListAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<StandaloneFlow>>(
            async (connection, ct) =>
            {
                var flows = new List<StandaloneFlow>();
                await using (var command = connection.CreateCommand())
                {
                    command.CommandText = $"SELECT {Columns} FROM standalone_flows ORDER BY created_at, id;";
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        flows.Add(Read(reader));
                    }
                }

                var now = _timeProvider.GetUtcNow();
                for (var i = 0; i < flows.Count; i++)
                {
                    flows[i] = await SettleAsync(connection, flows[i], now, ct);
                }

                return flows;
            },
            cancellationToken);

    private Task ChangeStatusAsync(
        FlowId flowId, Func<FlowStatus, FlowStatus?> transition, CancellationToken cancellationToken) =>
        RunAsync(
            async (connection, ct) =>
            {
                // IMMEDIATE: the read and the write below must not interleave with another change of the flow.
                await using var transaction = connection.BeginTransaction(deferred: false);
                var flow = await FindAsync(connection, flowId, ct)
                    ?? throw new FlowRepositoryException(FlowFailure.Failed, $"Flow {flowId} not found");
                var now = _timeProvider.GetUtcNow();
                var settled = await SettleAsync(connection, flow, now, ct);
                if (transition(settled.Status) is { } next)
                {
                    await ReplaceStatusAsync(connection, settled, settled with { Status = next, StatusChangedAt = now }, ct);
                }

                await transaction.CommitAsync(ct);
                return true;
            },
            cancellationToken);

    private async Task<StandaloneFlow> SettleAsync(
        SqliteConnection connection, StandaloneFlow flow, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settled = FlowLifecycle.Settle(flow, now, _transitionDelay);
        if (settled != flow)
        {
            await ReplaceStatusAsync(connection, flow, settled, cancellationToken);
        }

        return settled;
    }

    /// <summary>
    /// Writes <paramref name="next"/>'s status only while the stored one is still <paramref name="current"/>'s, so a
    /// concurrent change is never overwritten by a stale observation.
    /// </summary>
    private static async Task ReplaceStatusAsync(
        SqliteConnection connection, StandaloneFlow current, StandaloneFlow next, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE standalone_flows SET status = @status, status_changed_at = @statusChangedAt
            WHERE id = @id AND status = @currentStatus AND status_changed_at = @currentStatusChangedAt;
            """;
        command.Parameters.AddWithValue("@status", FlowLifecycle.ToText(next.Status));
        command.Parameters.AddWithValue("@statusChangedAt", TimestampText(next.StatusChangedAt));
        command.Parameters.AddWithValue("@id", current.Id.Value);
        command.Parameters.AddWithValue("@currentStatus", FlowLifecycle.ToText(current.Status));
        command.Parameters.AddWithValue("@currentStatusChangedAt", TimestampText(current.StatusChangedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<StandaloneFlow?> FindAsync(
        SqliteConnection connection, FlowId flowId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM standalone_flows WHERE id = @id;";
        command.Parameters.AddWithValue("@id", flowId.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static StandaloneFlow Read(SqliteDataReader reader) =>
        new(
            FlowId.Parse(reader.GetString(0)),
            reader.GetString(1),
            ConfigurationId.Parse(reader.GetString(2)),
            ConnectionId.Parse(reader.GetString(3)),
            reader.GetString(4) == "inbound" ? Direction.Inbound : Direction.Outbound,
            reader.GetString(5),
            FlowLifecycle.Parse(reader.GetString(6)),
            ParseTimestamp(reader.GetString(7)),
            ParseTimestamp(reader.GetString(8)));

    private static string DirectionText(Direction direction) =>
        direction == Direction.Inbound ? "inbound" : "outbound";

    private static string TimestampText(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>
    /// Runs one operation on a fresh pooled connection, the table created on first use (once per instance; retried
    /// when it failed); SQLite failures surface as an unavailable registry.
    /// </summary>
    private async Task<T> RunAsync<T>(
        Func<SqliteConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            return await operation(connection, cancellationToken);
        }
        catch (SqliteException exception)
        {
            throw new FlowRepositoryException(
                FlowFailure.Unavailable,
                $"The standalone flow registry's database failed (SQLite error {exception.SqliteErrorCode}).",
                exception);
        }
    }

    private static async Task CreateSchemaAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = SchemaSql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The Flow Repository's status lifecycle without an orchestrator: <c>starting</c> becomes <c>active</c> and
    /// <c>stopping</c> becomes <c>inactive</c> once the transition delay has passed.
    /// </summary>
    private static class FlowLifecycle
    {
        /// <summary>The flow as it stands at <paramref name="now"/>: a due transition completed at the time it was due.</summary>
        public static StandaloneFlow Settle(StandaloneFlow flow, DateTimeOffset now, TimeSpan transitionDelay)
        {
            var settledAt = flow.StatusChangedAt + transitionDelay;
            if (now < settledAt)
            {
                return flow;
            }

            return flow.Status switch
            {
                FlowStatus.Starting => flow with { Status = FlowStatus.Active, StatusChangedAt = settledAt },
                FlowStatus.Stopping => flow with { Status = FlowStatus.Inactive, StatusChangedAt = settledAt },
                _ => flow,
            };
        }

        /// <summary>The status a start request leads to, or null when the flow is already starting or active.</summary>
        public static FlowStatus? Start(FlowStatus current) =>
            current is FlowStatus.Inactive or FlowStatus.Stopping ? FlowStatus.Starting : null;

        /// <summary>The status a stop request leads to, or null when the flow is already stopping or inactive.</summary>
        public static FlowStatus? Stop(FlowStatus current) =>
            current is FlowStatus.Active or FlowStatus.Starting ? FlowStatus.Stopping : null;

        /// <summary>The status as the Flow Repository spells it (<c>inactive</c>, <c>starting</c>, …).</summary>
        public static string ToText(FlowStatus status) => status switch
        {
            FlowStatus.Inactive => "inactive",
            FlowStatus.Starting => "starting",
            FlowStatus.Active => "active",
            FlowStatus.Stopping => "stopping",
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown flow status."),
        };

        /// <summary>Parses the Flow Repository spelling of a status.</summary>
        public static FlowStatus Parse(string text) => text switch
        {
            "inactive" => FlowStatus.Inactive,
            "starting" => FlowStatus.Starting,
            "active" => FlowStatus.Active,
            "stopping" => FlowStatus.Stopping,
            _ => throw new FormatException($"Unknown flow status '{text}'."),
        };
    }
}
