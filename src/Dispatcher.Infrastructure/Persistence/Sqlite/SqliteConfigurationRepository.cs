using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Documents;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Dispatcher.Infrastructure.Persistence.Sqlite;

/// <summary>
/// <see cref="IConfigurationRepository"/> over one SQLite file. Each configuration is one row: the document as JSON
/// plus the columns queries and the version check need. <c>configuration_sources</c> maps every outbound flow id to
/// its configuration and is rewritten in the same transaction as the row, and so is the flow work a change implies
/// (<see cref="SqliteFlowWorkQueue"/>).
/// </summary>
internal sealed class SqliteConfigurationRepository(SqliteDatabase database) : IConfigurationRepository
{
    private const string SelectConfigurations = "SELECT c.version, c.document FROM configurations c";

    public async Task<Configuration?> GetAsync(TenantId tenant, ConfigurationId id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqliteCommands.Create(connection, $"{SelectConfigurations} WHERE c.id = @id AND c.tenant = @tenant", ("@id", id.Value), ("@tenant", tenant.Value));
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<Configuration>> ListAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqliteCommands.Create(connection, $"{SelectConfigurations} WHERE c.tenant = @tenant ORDER BY c.created_at, c.id", ("@tenant", tenant.Value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var configurations = new List<Configuration>();
        while (await reader.ReadAsync(cancellationToken))
        {
            configurations.Add(Read(reader));
        }

        return configurations;
    }

    public async Task AddAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Version != 0)
        {
            throw new InvalidOperationException(
                $"Configuration '{configuration.Id}' was stored already (version {configuration.Version}); update it instead.");
        }

        var document = ConfigurationDocumentMapper.ToDocument(configuration, version: 1);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        await using (var insert = SqliteCommands.Create(connection,
            """
            INSERT INTO configurations (id, tenant, version, created_at, updated_at, document)
            VALUES (@id, @tenant, @version, @createdAt, @updatedAt, @document)
            ON CONFLICT (id) DO NOTHING
            """,
            DocumentParameters(document)))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new ConcurrencyConflictException($"A configuration with id '{configuration.Id}' exists already.");
            }
        }

        await InsertSourcesAsync(connection, configuration, cancellationToken);
        await SqliteFlowWorkQueue.WriteAsync(connection, work, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        configuration.MarkPersisted();
    }

    public async Task UpdateAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var document = ConfigurationDocumentMapper.ToDocument(configuration, configuration.Version + 1);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        await using (var update = SqliteCommands.Create(connection,
            """
            UPDATE configurations
            SET version = @version, updated_at = @updatedAt, document = @document
            WHERE id = @id AND tenant = @tenant AND version = @expected
            """,
            [.. DocumentParameters(document), ("@expected", configuration.Version)]))
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw Conflict(configuration);
            }
        }

        await DeleteSourcesAsync(connection, configuration.Id, cancellationToken);
        await InsertSourcesAsync(connection, configuration, cancellationToken);
        await SqliteFlowWorkQueue.WriteAsync(connection, work, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        configuration.MarkPersisted();
    }

    public async Task DeleteAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = BeginWrite(connection);
        await using (var delete = SqliteCommands.Create(connection,
            "DELETE FROM configurations WHERE id = @id AND tenant = @tenant AND version = @expected",
            ("@id", configuration.Id.Value), ("@tenant", configuration.Tenant.Value), ("@expected", configuration.Version)))
        {
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw Conflict(configuration);
            }
        }

        await DeleteSourcesAsync(connection, configuration.Id, cancellationToken);
        await SqliteFlowWorkQueue.WriteAsync(connection, work, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Not filtered by tenant: a record event carries only its flow id. <c>configuration_sources.flow_id</c> is the
    /// primary key, so a flow id is the source of at most one configuration.
    /// </remarks>
    public async Task<Configuration?> FindBySourceFlowAsync(FlowId flowId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = SqliteCommands.Create(connection,
            $"{SelectConfigurations} JOIN configuration_sources s ON s.configuration_id = c.id WHERE s.flow_id = @flowId",
            ("@flowId", flowId.Value));
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads every row through SQLite's own statement API: the document is parsed from the UTF-8 bytes in SQLite's
    /// row buffer, where <see cref="DbDataReader.GetString"/> would first copy each one into a UTF-16 string (twice
    /// its size) that the parser then transcodes back. At start-up this runs for every stored configuration, and the
    /// garbage collections those copies cause were a large part of the load time (docs/scaling.md).
    /// </remarks>
    public async IAsyncEnumerable<Configuration> StreamAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        using var rows = new RawRows(connection, SelectConfigurations);
        var schemas = new SchemaUriCache();
        while (rows.Step())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Read(rows, schemas);
        }
    }

    // IMMEDIATE takes the write lock up front: concurrent writers then wait (busy_timeout) instead of failing to
    // upgrade a read lock half-way through. Commands created afterwards join the transaction.
    private static SqliteTransaction BeginWrite(SqliteConnection connection) => connection.BeginTransaction(deferred: false);

    private static async Task InsertSourcesAsync(
        SqliteConnection connection, Configuration configuration, CancellationToken cancellationToken)
    {
        var flowIds = configuration.Apps
            .SelectMany(a => a.Outbound.Connections)
            .Where(c => c.FlowId is not null)
            .Select(c => c.FlowId!.Value.Value);
        await using var insert = SqliteCommands.Create(connection,
            """
            INSERT INTO configuration_sources (flow_id, configuration_id) VALUES (@flowId, @configurationId)
            ON CONFLICT (flow_id) DO NOTHING
            """,
            ("@flowId", string.Empty), ("@configurationId", configuration.Id.Value));
        foreach (var flowId in flowIds)
        {
            insert.Parameters["@flowId"].Value = flowId;
            // This configuration's own rows were deleted first, so a conflict means another configuration already
            // owns the flow: refused, because event routing looks configurations up by it across tenants.
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new ConcurrencyConflictException(
                    $"Flow '{flowId}' is already the source of another configuration.");
            }
        }
    }

    private static async Task DeleteSourcesAsync(
        SqliteConnection connection, ConfigurationId id, CancellationToken cancellationToken)
    {
        await using var delete = SqliteCommands.Create(connection, "DELETE FROM configuration_sources WHERE configuration_id = @id", ("@id", id.Value));
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Configuration?> ReadSingleAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static Configuration Read(DbDataReader reader)
    {
        var document = JsonSerializer.Deserialize(
                reader.GetString(1), ConfigurationDocumentJsonContext.Default.ConfigurationDocument)
            ?? throw new InvalidDataException("A stored configuration document is null.");
        // The column is what the version check compares, so it is the authority.
        document.Version = reader.GetInt64(0);
        return ConfigurationDocumentMapper.ToDomain(document);
    }

    private static Configuration Read(RawRows rows, SchemaUriCache schemas)
    {
        var document = JsonSerializer.Deserialize(rows.Utf8(1), ConfigurationDocumentJsonContext.Default.ConfigurationDocument)
            ?? throw new InvalidDataException("A stored configuration document is null.");
        document.Version = rows.Int64(0);
        return ConfigurationDocumentMapper.ToDomain(document, schemas);
    }

    private static (string Name, object Value)[] DocumentParameters(ConfigurationDocument document) =>
    [
        ("@id", document.Id),
        ("@tenant", document.Tenant),
        ("@version", document.Version),
        ("@createdAt", new DateTimeOffset(document.CreatedAt).ToUnixTimeMilliseconds()),
        ("@updatedAt", new DateTimeOffset(document.UpdatedAt).ToUnixTimeMilliseconds()),
        ("@document", JsonSerializer.Serialize(document, ConfigurationDocumentJsonContext.Default.ConfigurationDocument)),
    ];

    private static ConcurrencyConflictException Conflict(Configuration configuration) =>
        new($"Configuration '{configuration.Id}' changed or was deleted since version {configuration.Version} was read.");

    /// <summary>
    /// A read-only statement stepped through SQLite's C API on an open connection, for reads that want a column's bytes
    /// where SQLite keeps them (<see cref="Utf8"/>: no copy, no UTF-16 string) rather than what
    /// <see cref="SqliteDataReader"/> hands out. Synchronous, like every SQLite call underneath; errors surface as
    /// <see cref="SqliteException"/>, and a locked database is waited for by the connection's <c>busy_timeout</c>.
    /// </summary>
    private sealed class RawRows : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly sqlite3_stmt _statement;

        public RawRows(SqliteConnection connection, string sql)
        {
            _connection = connection;
            var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement);
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }

        /// <summary>Moves to the next row; false after the last.</summary>
        public bool Step()
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return true;
            }

            if (rc == raw.SQLITE_DONE)
            {
                return false;
            }

            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
            return false;
        }

        public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

        /// <summary>A TEXT column's UTF-8 bytes, valid until the next <see cref="Step"/>.</summary>
        public ReadOnlySpan<byte> Utf8(int column) => raw.sqlite3_column_blob(_statement, column);

        public void Dispose() => _statement.Dispose();
    }
}
