using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Application;
using Dispatcher.Application.Configurations.Reconciliation;
using Dispatcher.Application.Ports;
using Dispatcher.Bench;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure;
using Dispatcher.LoadTest;
using Dispatcher.TestSupport.FlowRepository;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatcher.LifecycleBench;

/// <summary>One reconciler round.</summary>
public sealed record ReconcileSample(
    int Run,
    int Configurations,
    long FlowsInRepository,
    int PageSize,
    double Seconds,
    int ReportedCalls,
    int ListCalls,
    int StatusCalls,
    int OtherCalls,
    int ConfigurationsChecked,
    int FlowsListed,
    int FlowsRecreated,
    int OrphansQueued,
    int Errors,
    double AllocatedMegabytes,
    double HeapGrowthMegabytes,
    string LoadAverage);

/// <summary>
/// <c>reconcile</c>: one round of the Application's <see cref="FlowReconciler"/> over <c>N</c> stored configurations
/// (the benchmarks' <see cref="ConfigurationMix"/>: the same mix the load tool seeds), in this process, with the real
/// SQLite repository and the real Flow Repository adapter (<c>FlowRepositoryProvisioner</c>, HTTP, resilience
/// handler) pointed at <see cref="FakeFlowRepository"/> on loopback, which holds one flow per connection (every
/// connection provisioned: the steady state, nothing to re-create). Each flow carries the owner marker in its
/// description, as flows this service creates do; outbound flows of active sides are <c>active</c>, the rest
/// <c>inactive</c>. Counts the calls the fake received (<see cref="FakeFlowRepository.CallsTo"/>) and the wall time.
/// </summary>
public sealed class ReconcileRun(int configurations, int runs, int pageSize, string outDirectory)
{
    private const string ServiceToken = "bench-service-token";

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(outDirectory);
        var directory = Path.Combine(Path.GetTempPath(), "dispatcher-reconcile-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "dispatcher.db");
        await using var fake = await FakeFlowRepository.StartAsync();
        fake.AdminTokens.Add(ServiceToken);

        var settings = new Dictionary<string, string?>
        {
            ["Storage:Sqlite:Path"] = database,
            ["FlowRepository:BaseUrl"] = fake.BaseUrl,
            ["FlowRepository:ServiceToken"] = ServiceToken,
            // A page of the fake costs O(all flows) (it filters every flow per call); at millions of flows a page
            // takes longer than the default 3 s attempt timeout on this machine.
            ["FlowRepository:TimeoutSeconds"] = "120",
            ["FlowRepository:AttemptTimeoutSeconds"] = "60",
            ["Reconciler:PageSize"] = pageSize.ToString(CultureInfo.InvariantCulture),
            ["Messaging:RabbitMqUrl"] = string.Empty,
        };
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddApplication().AddInfrastructure(builder.Configuration);
        // Not started: no hosted service (runner, reconciler service, bus) runs; only the round below.
        using var host = builder.Build();

        // Creates the schema (on first use of the store).
        await host.Services.GetRequiredService<IConfigurationRepository>().GetAsync(TenantId.Parse("bench"), ConfigurationId.New(), default);
        var seedWatch = Stopwatch.StartNew();
        var (flows, marked) = Seed(fake, database, configurations);
        Console.WriteLine(
            $"seeded {configurations:N0} configurations and {flows:N0} flows in {seedWatch.Elapsed.TotalSeconds:F1} s" +
            (marked ? " (every flow with its owner marker)" : " (WITHOUT owner markers: the fake's private Store was not found)"));

        var samples = new List<ReconcileSample>();
        for (var run = 1; run <= runs; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var before = Enum.GetValues<FlowOperation>().ToDictionary(op => op, fake.CallsTo);
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var heapBefore = GC.GetTotalMemory(forceFullCollection: false);
            long heapPeak = heapBefore;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                // An upper bound of what the round holds: the managed heap above the fake's, garbage included.
                while (!sampling.IsCancellationRequested)
                {
                    heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(forceFullCollection: false));
                    await Task.Delay(50);
                }
            });
            var watch = Stopwatch.StartNew();
            ReconcileReport report;
            await using (var scope = host.Services.CreateAsyncScope())
            {
                report = await scope.ServiceProvider.GetRequiredService<FlowReconciler>().ReconcileAsync(default);
            }

            var seconds = watch.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            await sampler;
            var heapGrowthMb = (heapPeak - heapBefore) / 1024.0 / 1024.0;
            var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / 1024.0;
            var calls = Enum.GetValues<FlowOperation>().ToDictionary(op => op, op => fake.CallsTo(op) - before[op]);
            var other = calls.Where(c => c.Key is not (FlowOperation.List or FlowOperation.Get)).Sum(c => c.Value);
            var sample = new ReconcileSample(
                run, configurations, flows, pageSize, seconds, report.FlowCalls, calls[FlowOperation.List], calls[FlowOperation.Get], other,
                report.ConfigurationsChecked, report.FlowsListed, report.FlowsRecreated, report.OrphansQueued, report.Errors, allocatedMb, heapGrowthMb, load);
            samples.Add(sample);
            Console.WriteLine(
                $"run {run} (load {load}): {seconds:F1} s; Flow Repository calls: {calls[FlowOperation.List]:N0} list pages + " +
                $"{calls[FlowOperation.Get]:N0} status + {other:N0} other (report: {report.FlowCalls:N0}); checked {report.ConfigurationsChecked:N0} " +
                $"configurations, listed {report.FlowsListed:N0} flows, re-created {report.FlowsRecreated}, orphans {report.OrphansQueued}, " +
                $"errors {report.Errors}; allocated {allocatedMb:N0} MB in this process (round and fake together), managed heap up to {heapGrowthMb:N0} MB above the fake's (garbage included)");
        }

        // Baseline: the same pages fetched with a plain HttpClient (bodies read, not parsed): what the fake alone costs.
        var baseline = await ListOnlyAsync(fake.BaseUrl, pageSize);
        Console.WriteLine(
            $"baseline: paging through the fake alone (plain GET /flows, {baseline.Pages:N0} pages, {baseline.Megabytes:N0} MB of JSON, " +
            $"not parsed) took {baseline.Seconds:F1} s");
        await File.WriteAllTextAsync(Path.Combine(outDirectory, "baseline.txt"),
            $"pages {baseline.Pages}, {baseline.Megabytes:F0} MB, {baseline.Seconds:F1} s{Environment.NewLine}");

        await File.WriteAllTextAsync(Path.Combine(outDirectory, "reconcile.json"), JsonSerializer.Serialize(samples, new JsonSerializerOptions { WriteIndented = true }));
        var table = Table(samples);
        Console.WriteLine();
        Console.WriteLine(table);
        await File.WriteAllTextAsync(Path.Combine(outDirectory, "reconcile.md"), table);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS.
        }

        return 0;
    }

    private static async Task<(int Pages, double Megabytes, double Seconds)> ListOnlyAsync(string baseUrl, int pageSize)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServiceToken);
        var watch = Stopwatch.StartNew();
        long bytes = 0;
        var pages = 0;
        for (var number = 1; ; number++)
        {
            using var response = await http.GetAsync(new Uri($"/flows?page[size]={pageSize}&page[number]={number}", UriKind.Relative));
            var body = await response.Content.ReadAsByteArrayAsync();
            pages++;
            bytes += body.Length;
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound || CountOf(body) < pageSize)
            {
                break;
            }
        }

        return (pages, bytes / 1024.0 / 1024.0, watch.Elapsed.TotalSeconds);

        // The page's "perPage"-sized data array: counted from "meta" rather than parsed, to keep the baseline cheap.
        static int CountOf(byte[] body)
        {
            var text = Encoding.UTF8.GetString(body.AsSpan(Math.Max(0, body.Length - 200)));
            var match = System.Text.RegularExpressions.Regex.Match(text, "\"total\":(\\d+),\"page\":(\\d+),\"perPage\":(\\d+)");
            if (!match.Success)
            {
                return 0;
            }

            var total = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var page = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            var perPage = int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);
            return Math.Clamp(total - ((page - 1) * perPage), 0, perPage);
        }
    }

    public static string Table(IReadOnlyList<ReconcileSample> samples)
    {
        var text = new StringBuilder();
        text.AppendLine("| Configurations | Flows | Page size | Flow Repository calls (list + status + other) | Wall time (runs) | Heap above the fake's (peak, garbage included) | Re-created / orphans / errors |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var group in samples.GroupBy(s => (s.Configurations, s.PageSize)))
        {
            var first = group.First();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {first.Configurations:N0} | {first.FlowsInRepository:N0} | {first.PageSize:N0} " +
                $"| {Stats.Median(group.Select(s => (double)(s.ListCalls + s.StatusCalls + s.OtherCalls))):N0} " +
                $"({Stats.Median(group.Select(s => (double)s.ListCalls)):N0} + {Stats.Median(group.Select(s => (double)s.StatusCalls)):N0} + {Stats.Median(group.Select(s => (double)s.OtherCalls)):N0}) " +
                $"| **{Stats.Median(group.Select(s => s.Seconds)):F1} s** ({string.Join(" / ", group.Select(s => s.Seconds.ToString("F1", CultureInfo.InvariantCulture)))}) " +
                $"| {Stats.Median(group.Select(s => s.HeapGrowthMegabytes)):N0} MB " +
                $"| {group.Max(s => s.FlowsRecreated)} / {group.Max(s => s.OrphansQueued)} / {group.Max(s => s.Errors)} |");
        }

        return text.ToString();
    }

    /// <summary>
    /// Puts one flow per connection into the fake (with its owner marker) and the configurations, pointing at those
    /// flows, into the SQLite store (rows as <see cref="Seeder"/> writes them). Returns the number of flows and
    /// whether they carry owner markers.
    /// </summary>
    private static (long Flows, bool Marked) Seed(FakeFlowRepository fake, string database, int count)
    {
        var store = typeof(FakeFlowRepository).GetMethod("Store", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(JsonObject), typeof(string), typeof(string)]);
        var idOf = store?.ReturnType.GetProperty("Id");
        var marked = store is not null && idOf is not null;
        long flows = 0;

        var specs = ConfigurationMix.Generate(count, idSpace: 0x5e, flowPrefix: "5d").Select(generated => generated with
        {
            Apps =
            [
                .. generated.Apps.Select(app => app with
                {
                    Outbound = app.Outbound with { Flows = [.. app.Outbound.Flows.Select(c => c with { FlowId = NewFlow(generated, c, app.Outbound.Active, outbound: true) })] },
                    Inbound = app.Inbound with { Flows = [.. app.Inbound.Flows.Select(c => c with { FlowId = NewFlow(generated, c, app.Inbound.Active, outbound: false) })] },
                }),
            ],
        });
        Seeder.Seed(database, specs);
        return (flows, marked);

        string NewFlow(ConfigurationSpec generated, ConnectionSpec connectionSpec, bool active, bool outbound)
        {
            flows++;
            var status = active && outbound ? "active" : "inactive";
            if (!marked)
            {
                return fake.AddFlow(ServiceToken, status, connectionSpec.AdapterAction);
            }

            var flowDocument = new JsonObject
            {
                ["name"] = $"{connectionSpec.AdapterAction} ({connectionSpec.Id})",
                ["description"] = $"This flow was automatically generated (dispatcher: configuration {generated.Id} connection {connectionSpec.Id})",
                ["graph"] = new JsonObject
                {
                    ["nodes"] = new JsonArray(new JsonObject { ["id"] = "step_1", ["componentId"] = "5d2484d2a422ca001bda5690", ["function"] = connectionSpec.AdapterAction }),
                    ["edges"] = new JsonArray(),
                },
            };
            return (string)idOf!.GetValue(store!.Invoke(fake, [flowDocument, ServiceToken, status]))!;
        }
    }
}
