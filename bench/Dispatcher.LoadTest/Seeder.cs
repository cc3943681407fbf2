using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dispatcher.Bench;
using Microsoft.Data.Sqlite;

namespace Dispatcher.LoadTest;

/// <summary>
/// Loads many configurations into the dispatcher's SQLite store directly (creating 100,000 through the HTTP API
/// would take most of an hour on this machine): rows of <c>configurations</c> holding the stored document
/// (<c>ConfigurationDocument</c> as camel-case JSON, exactly what the SQLite repository writes) and their
/// <c>configuration_sources</c> rows. The schema must already exist (the dispatcher creates it on its first start);
/// the dispatcher's routing table loader then reads them like any stored configuration, and the run checks the
/// count it logs. Their flows do not exist in the flow registry: no event is sent to them.
/// </summary>
public static class Seeder
{
    /// <summary>Seeds <paramref name="count"/> configurations of the standard mix (<see cref="ConfigurationMix"/>).</summary>
    public static TimeSpan Seed(string databasePath, int count) =>
        Seed(databasePath, ConfigurationMix.Generate(count, idSpace: 0x5e, flowPrefix: "5d"));

    /// <summary>Seeds <paramref name="specs"/> in one transaction; returns how long it took.</summary>
    public static TimeSpan Seed(string databasePath, IEnumerable<ConfigurationSpec> specs)
    {
        var watch = Stopwatch.StartNew();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO configurations (id, tenant, version, created_at, updated_at, document)
            VALUES ($id, $tenant, 1, $at, $at, $document)
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var tenant = insert.Parameters.Add("$tenant", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        var document = insert.Parameters.Add("$document", SqliteType.Text);
        using var source = connection.CreateCommand();
        source.CommandText = "INSERT INTO configuration_sources (flow_id, configuration_id) VALUES ($flow, $configuration)";
        var flow = source.Parameters.Add("$flow", SqliteType.Text);
        var owner = source.Parameters.Add("$configuration", SqliteType.Text);
        var created = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

        foreach (var spec in specs)
        {
            id.Value = spec.Id;
            tenant.Value = spec.Tenant;
            at.Value = created.ToUnixTimeMilliseconds();
            document.Value = Document(spec, created);
            insert.ExecuteNonQuery();
            owner.Value = spec.Id;
            foreach (var app in spec.Apps)
            {
                foreach (var connectionSpec in app.Outbound.Flows)
                {
                    if (connectionSpec.FlowId is { } flowId)
                    {
                        flow.Value = flowId;
                        source.ExecuteNonQuery();
                    }
                }
            }
        }

        transaction.Commit();
        return watch.Elapsed;
    }

    /// <summary>The stored document of <paramref name="spec"/>.</summary>
    public static string Document(ConfigurationSpec spec, DateTimeOffset at)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("_id", spec.Id);
            writer.WriteString("tenant", spec.Tenant);
            writer.WriteString("name", spec.Name);
            writer.WriteString("dataModel", "5d9b");
            writer.WriteStartArray("applications");
            foreach (var app in spec.Apps)
            {
                writer.WriteStartObject();
                writer.WriteString("_id", app.Id);
                writer.WriteString("applicationName", app.ApplicationName);
                writer.WriteString("applicationUid", app.ApplicationUid);
                writer.WriteString("adapterComponentId", "5d2484d2a422ca001bda5690");
                writer.WriteStartObject("fields");
                writer.WriteEndObject();
                Side(writer, "outbound", app.Outbound);
                Side(writer, "inbound", app.Inbound);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("createdAt", at.UtcDateTime);
            writer.WriteString("updatedAt", at.UtcDateTime);
            writer.WriteNumber("version", 1);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Side(Utf8JsonWriter writer, string name, SideSpec side)
    {
        writer.WriteStartObject(name);
        writer.WriteBoolean("active", side.Active);
        writer.WriteStartArray("flows");
        foreach (var connection in side.Flows)
        {
            writer.WriteStartObject();
            writer.WriteString("_id", connection.Id);
            if (connection.Operation is { } operation)
            {
                writer.WriteString("operation", operation);
            }

            writer.WriteString("adapterAction", connection.AdapterAction);
            writer.WriteString("schemaUri", connection.SchemaUri);
            if (connection.FlowId is { } flowId)
            {
                writer.WriteString("flowId", flowId);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
