using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.LoadTest;
using Microsoft.Data.Sqlite;

namespace Dispatcher.LifecycleBench;

/// <summary>One size, one run: what the real service answered and how long the flow work took.</summary>
public sealed record LifecycleSample(
    int Run,
    int Flows,
    int Configurations,
    int FlowsPerConfiguration,
    int Apps,
    int ConnectionsPerSide,
    long BodyBytes,
    IReadOnlyList<double> PostSeconds,
    IReadOnlyList<double> PostCommittedSeconds,
    double StartedSeconds,
    IReadOnlyList<double> DeleteMilliseconds,
    IReadOnlyList<double> DeleteCommittedMilliseconds,
    int PendingCleanup,
    double GoneSeconds,
    double WorkDrainedSeconds,
    string LoadAverage);

/// <summary>
/// <c>lifecycle</c>: the real service (<c>src/Dispatcher.Api</c>, Release) as a child process on embedded defaults
/// (SQLite store, standalone flow registry in the same file, in-memory bus, reconciler on with its defaults), one
/// fresh process and file per run. A size is a number of flows, in configurations of at most
/// <c>flowsPerConfiguration</c> flows (the service's <c>Limits:MaxConnectionsPerConfiguration</c> is set to it; half
/// outbound, all sides active, at most 100 connections per side): each configuration is created
/// with <c>POST /dispatches</c> (one after another; answer time, and when the write committed, seen from outside);
/// once every outbound flow is started, each is deleted with <c>DELETE /dispatches/{id}</c>, one after another (answer
/// time, commit, <c>meta.pendingCleanup</c>), and the time from the first DELETE until the standalone registry holds
/// none of their flows and their flow work is gone is taken (the SQLite file polled every 20 ms).
/// </summary>
public sealed class LifecycleRun(
    string apiDll, string outDirectory, IReadOnlyList<int> sizes, int runs, long maxBodyBytes, int flowsPerConfiguration)
{
    /// <summary>The most connections one configuration may have at most (docs/limits.md: 100 apps × 2 sides × 100).</summary>
    public const int MaxFlowsPerConfiguration = 20_000;

    private static readonly TimeSpan WorkTimeout = TimeSpan.FromMinutes(15);

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(outDirectory);
        var samples = new List<LifecycleSample>();
        for (var run = 1; run <= runs; run++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "dispatcher-lifecycle-bench", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var database = Path.Combine(directory, "dispatcher.db");
            var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
            var environment = new Dictionary<string, string>(Jwt.Settings())
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = baseAddress.ToString(),
                ["Storage__Sqlite__Path"] = database,
                ["FlowRegistry__Standalone__Path"] = database,
                ["Messaging__RabbitMqUrl"] = string.Empty,
                ["QUEUE_URL"] = string.Empty,
                ["MONGODB_URL"] = string.Empty,
                ["Api__MaxRequestBodyBytes"] = maxBodyBytes.ToString(CultureInfo.InvariantCulture),
                ["Limits__MaxConnectionsPerConfiguration"] = flowsPerConfiguration.ToString(CultureInfo.InvariantCulture),
                ["Logging__LogLevel__Default"] = "Warning",
            };
            var log = Path.Combine(outDirectory, $"dispatcher-run{run}.log");
            await using var process = ChildProcess.Start("dotnet", [Path.GetFullPath(apiDll)], environment, Path.GetDirectoryName(Path.GetFullPath(apiDll))!, log);
            await WaitForHttpAsync(process, baseAddress, log);
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Jwt.Create("bench"));
            // Warm-up: the first requests of a process pay for JIT and connection set-up; not measured.
            var warm = await PostAsync(http, Body(10, out _, out _));
            await DeleteAsync(http, warm.Id);
            await WaitAsync(database, [warm.Id], gone: true);

            foreach (var flows in sizes)
            {
                var configurations = (flows + flowsPerConfiguration - 1) / flowsPerConfiguration;
                var perConfiguration = flows / configurations;
                var body = Body(perConfiguration, out var apps, out var perSide);
                var bytes = Encoding.UTF8.GetByteCount(body);
                var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
                var ids = new List<string>();
                var postSeconds = new List<double>();
                var postCommitted = new List<double>();
                for (var c = 0; c < configurations; c++)
                {
                    var watch = new StoreWatch(database, flowsDelta: perConfiguration, configurationsDelta: 1);
                    var post = await PostAsync(http, body);
                    var (_, committedAt) = await watch.StopAsync();
                    ids.Add(post.Id);
                    postSeconds.Add(post.Elapsed.TotalSeconds);
                    postCommitted.Add(committedAt.TotalSeconds);
                }

                var started = await WaitAsync(database, ids, gone: false, expectedOutbound: perConfiguration / 2);
                var deleteMilliseconds = new List<double>();
                var deleteCommitted = new List<double>();
                var pending = 0;
                DateTime? firstSentAt = null;
                foreach (var id in ids)
                {
                    var watch = new StoreWatch(database, flowsDelta: null, configurationsDelta: -1);
                    var delete = await DeleteAsync(http, id);
                    var (_, committedAt) = await watch.StopAsync();
                    firstSentAt ??= delete.SentAt;
                    deleteMilliseconds.Add(delete.Elapsed.TotalMilliseconds);
                    deleteCommitted.Add(committedAt.TotalMilliseconds);
                    pending += delete.PendingCleanup;
                }

                var (gone, drained) = await WaitGoneAsync(database, ids, firstSentAt!.Value);
                var sample = new LifecycleSample(
                    run, flows, configurations, perConfiguration, apps, perSide, bytes, postSeconds, postCommitted, started.TotalSeconds,
                    deleteMilliseconds, deleteCommitted, pending, gone.TotalSeconds, drained.TotalSeconds, load);
                samples.Add(sample);
                Console.WriteLine(
                    $"run {run}, {flows,6:N0} flows = {configurations} × {perConfiguration} ({apps} apps × {perSide}+{perSide}, body {bytes / 1024.0:N0} KiB, load {load}): " +
                    $"POST median {Stats.Median(postSeconds):F2} s, max {postSeconds.Max():F2} s, total {postSeconds.Sum():F1} s " +
                    $"(committed at median {Stats.Median(postCommitted):F2} s); outbound started {started.TotalSeconds:F1} s after the last answer; " +
                    $"DELETE median {Stats.Median(deleteMilliseconds):F0} ms, max {deleteMilliseconds.Max():F0} ms (committed at median " +
                    $"{Stats.Median(deleteCommitted):F0} ms; {pending:N0} pending in all); every flow gone {gone.TotalSeconds:F1} s after the first DELETE, " +
                    $"flow work drained after {drained.TotalSeconds:F1} s");
            }

            await process.StopAsync(TimeSpan.FromSeconds(20));
            SqliteConnection.ClearAllPools();
            TryDelete(directory);
        }

        await File.WriteAllTextAsync(Path.Combine(outDirectory, "lifecycle.json"), JsonSerializer.Serialize(samples, JsonOptions));
        Console.WriteLine();
        Console.WriteLine(Table(samples));
        await File.WriteAllTextAsync(Path.Combine(outDirectory, "lifecycle.md"), Table(samples));
        return 0;
    }

    /// <summary>Medians over the runs (of each run's median request), per size, as a Markdown table.</summary>
    public static string Table(IReadOnlyList<LifecycleSample> samples)
    {
        var text = new StringBuilder();
        text.AppendLine("| Flows (configurations × flows) | POST answer, median request (runs) | slowest POST | POST committed at | outbound started after the last POST | DELETE answer, median request (runs) | slowest DELETE (runs) | DELETE committed at | pendingCleanup (all) | every flow gone after the first DELETE (runs) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var group in samples.GroupBy(s => s.Flows))
        {
            var first = group.First();
            var postMedians = group.Select(s => Stats.Median(s.PostSeconds)).ToList();
            var deleteMedians = group.Select(s => Stats.Median(s.DeleteMilliseconds)).ToList();
            var deleteMax = group.Select(s => s.DeleteMilliseconds.Max()).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key:N0} ({first.Configurations} × {first.FlowsPerConfiguration}) " +
                $"| {Stats.Median(postMedians):F2} s ({Join(postMedians, "F2")}) " +
                $"| {Stats.Median(group.Select(s => s.PostSeconds.Max())):F2} s " +
                $"| {Stats.Median(group.Select(s => Stats.Median(s.PostCommittedSeconds))):F2} s " +
                $"| {Stats.Median(group.Select(s => s.StartedSeconds)):F1} s " +
                $"| **{Stats.Median(deleteMedians):F0} ms** ({Join(deleteMedians, "F0")}) " +
                $"| {Stats.Median(deleteMax):F0} ms ({Join(deleteMax, "F0")}) " +
                $"| {Stats.Median(group.Select(s => Stats.Median(s.DeleteCommittedMilliseconds))):F0} ms " +
                $"| {Stats.Median(group.Select(s => (double)s.PendingCleanup)):N0} " +
                $"| {Stats.Median(group.Select(s => s.GoneSeconds)):F1} s ({Join(group.Select(s => s.GoneSeconds), "F1")}) |");
        }

        return text.ToString();
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static string Join(IEnumerable<double> values, string format) =>
        string.Join(" / ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    /// <summary>
    /// A configuration with <paramref name="flows"/> connections on active sides, half outbound, at most 50 per side
    /// (within the input limits: 100 per side, 500 per configuration), connections shaped as the original API's
    /// examples (adapter and transformer actions, a schema URI of the data model).
    /// </summary>
    public static string Body(int flows, out int apps, out int perSide)
    {
        apps = Math.Max(1, (flows + 199) / 200);
        perSide = flows / apps / 2;
        if (flows > MaxFlowsPerConfiguration || apps * perSide * 2 != flows)
        {
            throw new ArgumentOutOfRangeException(nameof(flows), $"{flows} flows do not fit evenly in one configuration (at most {MaxFlowsPerConfiguration}).");
        }

        var list = new JsonArray();
        for (var a = 0; a < apps; a++)
        {
            list.Add(new JsonObject
            {
                ["applicationName"] = $"Bench app {a}",
                ["applicationUid"] = $"bench-app-{a}",
                ["adapterComponentId"] = "5d2484d2a422ca001bda5690",
                ["outbound"] = new JsonObject { ["active"] = true, ["flows"] = Connections(perSide, null) },
                ["inbound"] = new JsonObject { ["active"] = true, ["flows"] = Connections(perSide, "CREATE") },
            });
        }

        return new JsonObject { ["name"] = $"Lifecycle bench {flows}", ["dataModel"] = "5d9b", ["applications"] = list }.ToJsonString();
    }

    private static JsonArray Connections(int count, string? operation)
    {
        var array = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var connection = new JsonObject();
            if (operation is not null)
            {
                connection["operation"] = operation;
            }

            connection["adapterAction"] = operation is null ? $"getThings{i}" : $"upsertThing{i}";
            connection["transformerAction"] = operation is null ? "transformToOih" : "transformFromOih";
            connection["schemaUri"] = $"http://metadata.example.com/api/v1/domains/5d9b/schemas/{ConfigurationMixSchemas[i % ConfigurationMixSchemas.Length]}";
            array.Add(connection);
        }

        return array;
    }

    private static readonly string[] ConfigurationMixSchemas = Dispatcher.Bench.ConfigurationMix.Schemas;

    private static async Task<(string Id, TimeSpan Elapsed)> PostAsync(HttpClient http, string body)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.PostAsync(new Uri("/dispatches", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = watch.Elapsed;
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST /dispatches answered {(int)response.StatusCode}: {Shorten(text)}");
        }

        return (JsonNode.Parse(text)!["data"]!["id"]!.GetValue<string>(), elapsed);
    }

    private static async Task<(TimeSpan Elapsed, int PendingCleanup, DateTime SentAt)> DeleteAsync(HttpClient http, string id)
    {
        var sentAt = DateTime.UtcNow;
        var watch = Stopwatch.StartNew();
        using var response = await http.DeleteAsync(new Uri($"/dispatches/{id}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = watch.Elapsed;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"DELETE /dispatches/{id} answered {(int)response.StatusCode}: {Shorten(text)}");
        }

        var pending = JsonNode.Parse(text)?["meta"]?["pendingCleanup"]?.AsArray().Count ?? 0;
        return (elapsed, pending, sentAt);
    }

    /// <summary>Waits until the configurations' outbound flows are started (or their flows gone) and their flow work is done.</summary>
    private static async Task<TimeSpan> WaitAsync(string database, IReadOnlyList<string> ids, bool gone, int expectedOutbound = 0)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var (flows, started, work) = Count(database, ids);
            if (gone ? flows == 0 && work == 0 : started == expectedOutbound * ids.Count && work == 0)
            {
                return watch.Elapsed;
            }

            if (watch.Elapsed > WorkTimeout)
            {
                throw new TimeoutException($"{ids.Count} configuration(s): {flows} flows, {started} outbound started, {work} pending flow work after {WorkTimeout}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>From <paramref name="sentAt"/> (the first DELETE was sent): until no flow is left, and until no flow work is left.</summary>
    private static async Task<(TimeSpan Gone, TimeSpan Drained)> WaitGoneAsync(string database, IReadOnlyList<string> ids, DateTime sentAt)
    {
        TimeSpan? gone = null;
        while (true)
        {
            var (flows, _, work) = Count(database, ids);
            var now = DateTime.UtcNow - sentAt;
            if (flows == 0)
            {
                gone ??= now;
            }

            if (gone is { } g && work == 0)
            {
                return (g, now);
            }

            if (now > WorkTimeout)
            {
                throw new TimeoutException($"{ids.Count} configuration(s): {flows} flows, {work} pending flow work {WorkTimeout} after the first DELETE.");
            }

            await Task.Delay(20);
        }
    }

    private static (long Flows, long StartedOutbound, long Work) Count(string database, IReadOnlyList<string> ids)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        var list = string.Join(", ", ids.Select((_, i) => $"$id{i}"));
        command.CommandText = $"""
            SELECT (SELECT count(*) FROM standalone_flows WHERE configuration_id IN ({list})),
                   (SELECT count(*) FROM standalone_flows WHERE configuration_id IN ({list}) AND direction = 'outbound' AND status IN ('starting', 'active')),
                   (SELECT count(*) FROM flow_work WHERE configuration_id IN ({list}))
            """;
        for (var i = 0; i < ids.Count; i++)
        {
            command.Parameters.AddWithValue($"$id{i}", ids[i]);
        }

        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task WaitForHttpAsync(ChildProcess process, Uri baseAddress, string log)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The dispatcher exited during start-up; see {log}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (watch.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"The dispatcher did not answer within 3 minutes; see {log}.");
            }

            await Task.Delay(100);
        }
    }

    private static string Shorten(string text) => text.Length > 1000 ? text[..1000] + "…" : text;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}

/// <summary>
/// Watches the SQLite file from outside while a request runs (every 20 ms; in WAL mode reads do not block the
/// service): when the number of flows has changed by <c>flowsDelta</c> (a POST's flows are all created) and when the
/// number of configurations has changed by <c>configurationsDelta</c> (the write committed). Times are from the
/// watch's start, taken right before the request is sent.
/// </summary>
public sealed class StoreWatch
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<(TimeSpan? Flows, TimeSpan? Configurations)> _watch;

    public StoreWatch(string database, long? flowsDelta, long configurationsDelta)
    {
        var (flows0, configurations0) = Read(database);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _watch = Task.Run(async () =>
        {
            TimeSpan? flowsAt = null, configurationsAt = null;
            while (true)
            {
                var (flows, configurations) = Read(database);
                var at = clock.Elapsed;
                if (flowsAt is null && flowsDelta is { } wantFlows && flows - flows0 == wantFlows)
                {
                    flowsAt = at;
                }

                if (configurationsAt is null && configurations - configurations0 == configurationsDelta)
                {
                    configurationsAt = at;
                }

                if (_stop.IsCancellationRequested || (configurationsAt is not null && (flowsDelta is null || flowsAt is not null)))
                {
                    return (flowsAt, configurationsAt);
                }

                await Task.Delay(20);
            }
        });
    }

    /// <summary>Ends the watch (at most 2 s later) and returns when the changes were seen (zero if never).</summary>
    public async Task<(TimeSpan FlowsChanged, TimeSpan ConfigurationsChanged)> StopAsync()
    {
        _stop.CancelAfter(TimeSpan.FromSeconds(2));
        var (flowsAt, configurationsAt) = await _watch;
        return (flowsAt ?? TimeSpan.Zero, configurationsAt ?? TimeSpan.Zero);
    }

    private static (long Flows, long Configurations) Read(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM standalone_flows), (SELECT count(*) FROM configurations)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}

/// <summary>Small statistics helpers.</summary>
public static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
