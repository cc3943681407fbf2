using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dispatcher.LoadTest;

/// <summary>
/// The start-up load alone: N configurations seeded into a SQLite store once, then the dispatcher started on it
/// <c>--runs</c> times (in-memory bus, no broker needed: the load does not depend on the transport). Per start it records
/// what the loader logs (load time, managed heap, working set), the process's peak RSS and CPU time once ready, and
/// when <c>/health/live</c> and <c>/health/ready</c> first answered 200 (polled every 100 ms), so an operator's view
/// of a long load is measured too.
/// </summary>
public sealed partial class StartupRun(LoadOptions options)
{
    private readonly string _out = Path.GetFullPath(options.Out ?? Path.Combine("artifacts", "bench", $"startup-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));

    /// <summary>One start of the dispatcher on the seeded store.</summary>
    public sealed record StartResult(
        int Run, int Loaded, double LoadMilliseconds, long HeapMegabytes, long WorkingSetMegabytes, double PeakRssMegabytes,
        double CpuSeconds, double? LiveSeconds, double ReadySeconds, double LoggedSeconds, string LoadAverageBefore);

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(_out);
        var apiDll = Path.GetFullPath(options.ApiDll ?? Path.Combine("src", "Dispatcher.Api", "bin", "Release", "net10.0", "Dispatcher.Api.dll"));
        var database = options.Database ?? Path.Combine(_out, "dispatcher.db");
        var count = options.ExtraConfigurations;
        if (options.Database is null || !File.Exists(database))
        {
            // The dispatcher creates the schema on its first start; the seeder writes into it.
            Console.WriteLine($"startup: creating the schema in {database}");
            var empty = await StartOnceAsync(apiDll, database, 0);
            Console.WriteLine($"startup: seeding {count:N0} configurations");
            var seeded = Seeder.Seed(database, count);
            Console.WriteLine($"startup: seeded in {seeded.TotalSeconds:F0} s ({empty.Loaded} configuration(s) before)");
        }

        var results = new List<StartResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            var result = await StartOnceAsync(apiDll, database, run);
            results.Add(result);
            Console.WriteLine(
                $"  run {run}: {result.Loaded:N0} configurations loaded in {result.LoadMilliseconds:F0} ms " +
                $"({result.LoadMilliseconds * 1000 / Math.Max(1, result.Loaded):F0} µs each); heap {result.HeapMegabytes} MB, " +
                $"working set {result.WorkingSetMegabytes} MB, peak RSS {result.PeakRssMegabytes:F0} MB, CPU {result.CpuSeconds:F1} s; " +
                $"live after {result.LiveSeconds:F1} s, load logged after {result.LoggedSeconds:F1} s, ready after {result.ReadySeconds:F1} s; " +
                $"load average before {result.LoadAverageBefore}");
        }

        if (results.Count > 0)
        {
            var median = results.OrderBy(r => r.LoadMilliseconds).ElementAt(results.Count / 2);
            var peak = results.Select(r => r.PeakRssMegabytes).Order().ElementAt(results.Count / 2);
            Console.WriteLine($"startup: median load {median.LoadMilliseconds:F0} ms ({median.LoadMilliseconds * 1000 / Math.Max(1, median.Loaded):F0} µs per configuration), median peak RSS {peak:F0} MB");
        }

        await File.WriteAllTextAsync(Path.Combine(_out, "startup.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        if (options.Database is null && !options.KeepDatabase)
        {
            foreach (var file in Directory.EnumerateFiles(_out, "dispatcher.db*"))
            {
                File.Delete(file);
            }
        }

        return 0;
    }

    private async Task<StartResult> StartOnceAsync(string apiDll, string database, int run)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var environment = new Dictionary<string, string>(Jwt.Settings())
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = baseAddress.ToString(),
            ["Storage__Sqlite__Path"] = database,
            ["FlowRegistry__Standalone__Path"] = database,
            ["Reconciler__Enabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Dispatcher.Infrastructure.Messaging.Routing.RoutingTableLoader"] = "Information",
        };
        foreach (var (key, value) in options.DispatcherEnvironment)
        {
            environment[key] = value;
        }

        var loadAverage = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : string.Empty;
        var log = Path.Combine(_out, $"startup-dispatcher-{run}.log");
        var watch = Stopwatch.StartNew();
        await using var process = ChildProcess.Start("dotnet", [apiDll], environment, Path.GetDirectoryName(apiDll)!, log);
        double? loggedAt = null;
        var loaded = process.WaitForLineAsync(line =>
        {
            if (!line.Contains("Routing table loaded", StringComparison.Ordinal))
            {
                return false;
            }

            loggedAt = watch.Elapsed.TotalSeconds;
            return true;
        }, options.StartTimeout);
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        double? live = null;
        double ready;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The dispatcher exited during start-up; see {log}.");
            }

            if (watch.Elapsed > options.StartTimeout)
            {
                throw new TimeoutException($"The dispatcher was not ready within {options.StartTimeout}; see {log}.");
            }

            live ??= await OkAsync(http, "/health/live") ? watch.Elapsed.TotalSeconds : null;
            if (live is not null && await OkAsync(http, "/health/ready"))
            {
                ready = watch.Elapsed.TotalSeconds;
                break;
            }

            await Task.Delay(100);
        }

        var line = await loaded;
        var (peak, _) = process.Memory();
        var cpu = process.CpuSeconds();
        var match = LoadedLine().Match(line);
        if (!match.Success)
        {
            throw new InvalidOperationException($"Unexpected loader line: {line}");
        }

        int Int(string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        await process.StopAsync(TimeSpan.FromSeconds(30));
        return new StartResult(
            run, Int("count"), double.Parse(match.Groups["ms"].Value, CultureInfo.InvariantCulture), Int("heap"), Int("ws"),
            peak / 1048576.0, cpu, live, ready, loggedAt ?? double.NaN, loadAverage);
    }

    private static async Task<bool> OkAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Routing table loaded: (?<count>\d+) configuration.* in (?<ms>\d+) ms; managed heap (?<heap>\d+) MB, working set (?<ws>\d+) MB")]
    private static partial Regex LoadedLine();
}
