using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Dispatcher.Api.Tests.Reconciliation;

/// <summary>
/// What the dispatcher's SQLite file says about the flow lifecycle, read from outside the process (WAL mode: reads
/// never block the service): the standalone registry's flows, the stored configurations, the pending flow work and
/// the reconciler lease.
/// </summary>
internal sealed class LifecycleStore(string path)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWrite,
        Pooling = false,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// Polls (without pause) until the row of one of the configurations <paramref name="ids"/> is gone, i.e. its delete
    /// committed; false when <paramref name="stopWhen"/> completes first or after <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitForDeleteCommitAsync(IReadOnlyList<string> ids, Task stopWhen, TimeSpan timeout)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM configurations WHERE id IN ({string.Join(", ", ids.Select((_, i) => $"@id{i}"))})";
        for (var i = 0; i < ids.Count; i++)
        {
            command.Parameters.AddWithValue($"@id{i}", ids[i]);
        }

        var watch = Stopwatch.StartNew();
        while (!stopWhen.IsCompleted && watch.Elapsed < timeout)
        {
            if ((long)(await command.ExecuteScalarAsync())! < ids.Count)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads everything the four invariants need, in one read transaction (a consistent snapshot).</summary>
    public async Task<LifecycleSnapshot> ReadAsync()
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using (var busy = connection.CreateCommand())
        {
            busy.CommandText = "PRAGMA busy_timeout = 10000;";
            await busy.ExecuteNonQueryAsync();
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var flows = new Dictionary<string, StoredFlow>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, configuration_id, connection_id, direction, status FROM standalone_flows";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                flows[reader.GetString(0)] = new StoredFlow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4));
            }
        }

        var connections = new List<StoredConnection>();
        var configurations = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, document FROM configurations";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var configurationId = reader.GetString(0);
                configurations.Add(configurationId);
                var document = JsonNode.Parse(reader.GetString(1))!;
                foreach (var app in document["applications"]?.AsArray() ?? [])
                {
                    foreach (var (side, direction) in new[] { ("outbound", "outbound"), ("inbound", "inbound") })
                    {
                        var active = app![side]?["active"]?.GetValue<bool>() ?? false;
                        foreach (var flow in app[side]?["flows"]?.AsArray() ?? [])
                        {
                            connections.Add(new StoredConnection(
                                configurationId, flow!["_id"]!.GetValue<string>(), direction, active, flow["flowId"]?.GetValue<string>()));
                        }
                    }
                }
            }
        }

        long work;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT count(*) FROM flow_work";
            work = (long)(await command.ExecuteScalarAsync())!;
        }

        Lease? lease = null;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT holder, expires_at FROM leases WHERE name = 'reconciler'";
            await using var reader = await command.ExecuteReaderAsync();
            if (await reader.ReadAsync())
            {
                lease = new Lease(reader.GetString(0), reader.GetInt64(1));
            }
        }

        return new LifecycleSnapshot(flows, connections, configurations, work, lease);
    }
}

/// <summary>A row of <c>standalone_flows</c>.</summary>
internal sealed record StoredFlow(string Id, string ConfigurationId, string ConnectionId, string Direction, string Status);

/// <summary>A connection of a stored configuration.</summary>
internal sealed record StoredConnection(string ConfigurationId, string ConnectionId, string Direction, bool SideActive, string? FlowId);

/// <summary>The reconciler lease (holder: machine/pid/guid; expiry in Unix ms).</summary>
internal sealed record Lease(string Holder, long ExpiresAt)
{
    public bool HeldBy(int processId) => Holder.Contains($"/{processId.ToString(CultureInfo.InvariantCulture)}/", StringComparison.Ordinal);
}

/// <summary>One consistent read of the store, and the invariants of ADR 0010 over it.</summary>
internal sealed record LifecycleSnapshot(
    IReadOnlyDictionary<string, StoredFlow> Flows,
    IReadOnlyList<StoredConnection> Connections,
    IReadOnlyList<string> Configurations,
    long PendingWork,
    Lease? Lease)
{
    /// <summary>Flows no stored connection references under the owner the flow records.</summary>
    public IReadOnlyList<StoredFlow> UnownedFlows
    {
        get
        {
            var referenced = new Dictionary<string, StoredConnection>(StringComparer.Ordinal);
            foreach (var connection in Connections.Where(c => c.FlowId is not null))
            {
                referenced.TryAdd(connection.FlowId!, connection);
            }

            return [.. Flows.Values.Where(flow => !referenced.TryGetValue(flow.Id, out var owner)
                || owner.ConfigurationId != flow.ConfigurationId || owner.ConnectionId != flow.ConnectionId)];
        }
    }

    /// <summary>Connections on active sides without a flow, or whose flow is not in the registry.</summary>
    public IReadOnlyList<StoredConnection> ActiveConnectionsWithoutFlow =>
        [.. Connections.Where(c => c.SideActive && (c.FlowId is null || !Flows.ContainsKey(c.FlowId)))];

    /// <summary>Flows of a configuration.</summary>
    public int FlowsOf(string configurationId) => Flows.Values.Count(f => f.ConfigurationId == configurationId);

    /// <summary>Outbound flows of a configuration that were started (starting or active).</summary>
    public int StartedOutboundOf(string configurationId) =>
        Flows.Values.Count(f => f.ConfigurationId == configurationId && f.Direction == "outbound" && f.Status is "starting" or "active");

    /// <summary>Whether the four zeros hold (the fourth, activation state and destinations, is not visible in the file).</summary>
    public bool Clean => PendingWork == 0 && UnownedFlows.Count == 0 && ActiveConnectionsWithoutFlow.Count == 0;

    public override string ToString() =>
        $"{Configurations.Count} configuration(s), {Flows.Count} flow(s), {UnownedFlows.Count} without an owning connection, " +
        $"{ActiveConnectionsWithoutFlow.Count} active connection(s) without their flow, {PendingWork} pending flow work, " +
        $"lease {Lease?.Holder ?? "none"} until {Lease?.ExpiresAt.ToString(CultureInfo.InvariantCulture) ?? "-"}";
}

/// <summary>Request bodies with many flows, within the input limits (docs/limits.md).</summary>
internal static class LifecycleBodies
{
    /// <summary>The largest number of apps, and of connections per side, a POST accepts.</summary>
    public const int MaxItems = 100;

    /// <summary>The most connections (of all sides) one configuration may have with the highest <c>Limits:MaxConnectionsPerConfiguration</c>.</summary>
    public const int MaxConnections = Dispatcher.Application.Configurations.Validation.InputLimits.MaxConnectionsPerConfigurationCeiling;

    /// <summary>
    /// A configuration whose active sides hold <paramref name="apps"/> × (<paramref name="outboundPerApp"/> +
    /// <paramref name="inboundPerApp"/>) connections (as many flows), plus <paramref name="inactiveApps"/> apps whose
    /// sides are switched off and hold 5 connections each (no flows). Every connection is distinct (own adapter action).
    /// </summary>
    public static JsonObject Configuration(string name, int apps, int outboundPerApp, int inboundPerApp, int inactiveApps = 0)
    {
        if (apps + inactiveApps > MaxItems || outboundPerApp > MaxItems || inboundPerApp > MaxItems
            || (apps * (outboundPerApp + inboundPerApp)) + (inactiveApps * 10) > MaxConnections)
        {
            throw new ArgumentOutOfRangeException(nameof(apps), "Beyond the input limits: 100 apps, 100 connections per side, 20,000 per configuration.");
        }

        var list = new JsonArray();
        for (var a = 0; a < apps + inactiveApps; a++)
        {
            var active = a < apps;
            var outbound = active ? outboundPerApp : 5;
            var inbound = active ? inboundPerApp : 5;
            list.Add(new JsonObject
            {
                ["applicationName"] = $"App {a}",
                ["applicationUid"] = $"app-{a}",
                ["adapterComponentId"] = Samples.AdapterComponent,
                ["outbound"] = new JsonObject
                {
                    ["active"] = active,
                    ["flows"] = new JsonArray([.. Enumerable.Range(0, outbound).Select(i => (JsonNode)new JsonObject
                    {
                        ["adapterAction"] = $"get{i}", ["schemaUri"] = Schema(i),
                    })]),
                },
                ["inbound"] = new JsonObject
                {
                    ["active"] = active,
                    ["flows"] = new JsonArray([.. Enumerable.Range(0, inbound).Select(i => (JsonNode)new JsonObject
                    {
                        ["operation"] = "CREATE", ["adapterAction"] = $"put{i}", ["schemaUri"] = Schema(i),
                    })]),
                },
            });
        }

        return new JsonObject { ["name"] = name, ["dataModel"] = "5d9b", ["applications"] = list };
    }

    private static string Schema(int i) => $"http://metadata.example.com/api/v1/domains/5d9b/schemas/s{i % 8}";
}
