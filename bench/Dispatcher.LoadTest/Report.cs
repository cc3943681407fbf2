using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dispatcher.LoadTest;

/// <summary>
/// Turns the results of several runs into the tables of <c>docs/benchmarks.md</c> (raw values, medians, ratios to the
/// baseline of the same run) and an SVG chart: end-to-end events/s by fan-out, and micro-benchmark events/s by
/// number of configurations. Micro results are BenchmarkDotNet's brief JSON exports, one folder per run.
/// </summary>
public static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(LoadOptions options)
    {
        var load = options.LoadDirectories
            .SelectMany(d => Directory.EnumerateFiles(d, "results.json", SearchOption.AllDirectories))
            .Select(f => JsonSerializer.Deserialize<RunFile>(File.ReadAllText(f))!)
            .ToList();
        var micro = options.MicroDirectory is { } m ? MicroResults(m) : [];
        var markdown = new StringBuilder();
        WriteMicro(markdown, micro);
        WriteLoad(markdown, load);
        if (options.Markdown is { } md)
        {
            File.WriteAllText(md, markdown.ToString());
            Console.WriteLine($"tables: {md}");
        }
        else
        {
            Console.WriteLine(markdown);
        }

        if (options.Svg is { } svg)
        {
            File.WriteAllText(svg, Chart(load, micro));
            Console.WriteLine($"chart: {svg}");
        }

        return 0;
    }

    /// <summary>One micro-benchmark case of one run.</summary>
    public sealed record MicroResult(string Run, string Type, string Method, int Configurations, int FanOut, double MedianNs, double MeanNs, double? AllocatedBytes);

    private static List<MicroResult> MicroResults(string root)
    {
        var results = new List<MicroResult>();
        foreach (var file in Directory.EnumerateFiles(root, "*-report-brief.json", SearchOption.AllDirectories))
        {
            var run = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(file)))!;
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var benchmark in document.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                if (!benchmark.TryGetProperty("Statistics", out var statistics) || statistics.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var parameters = (benchmark.GetProperty("Parameters").GetString() ?? string.Empty)
                    .Split('&', StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => p.Split('='))
                    .ToDictionary(p => p[0], p => int.Parse(p[1], Inv));
                double? allocated = benchmark.TryGetProperty("Memory", out var memory) && memory.ValueKind == JsonValueKind.Object
                    ? memory.GetProperty("BytesAllocatedPerOperation").GetDouble()
                    : null;
                results.Add(new MicroResult(
                    run,
                    benchmark.GetProperty("Type").GetString()!,
                    benchmark.GetProperty("Method").GetString()!,
                    parameters.GetValueOrDefault("Configurations"),
                    parameters.GetValueOrDefault("FanOut"),
                    statistics.GetProperty("Median").GetDouble(),
                    statistics.GetProperty("Mean").GetDouble(),
                    allocated));
            }
        }

        foreach (var file in Directory.EnumerateFiles(root, "cpu-time.json", SearchOption.AllDirectories))
        {
            var run = Path.GetFileName(Path.GetDirectoryName(file))!;
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var sample in document.RootElement.EnumerateArray())
            {
                results.Add(new MicroResult(
                    run,
                    "cpu:" + sample.GetProperty("Type").GetString(),
                    sample.GetProperty("Method").GetString()!,
                    sample.GetProperty("Configurations").GetInt32(),
                    sample.GetProperty("FanOut").GetInt32(),
                    sample.GetProperty("CpuNsPerOperation").GetDouble(),
                    sample.GetProperty("CpuNsPerOperation").GetDouble(),
                    sample.GetProperty("AllocatedBytesPerOperation").GetDouble()));
            }
        }

        return results;
    }

    private static void WriteMicro(StringBuilder md, List<MicroResult> micro)
    {
        if (micro.Count == 0)
        {
            return;
        }

        var runs = micro.Select(r => r.Run).Distinct().Order().ToList();
        md.AppendLine(Inv, $"### Micro-benchmarks: routing one event ({runs.Count} run(s): {string.Join(", ", runs)})");
        md.AppendLine();
        md.AppendLine("Median over runs of each run's median time per event; range = lowest and highest run. Events/s = 10⁹ / ns on one core. " +
                      "\"vs 10\" = time at this table size ÷ time at 10 configurations (same method and fan-out).");
        md.AppendLine();
        foreach (var (type, caption) in (ReadOnlySpan<(string, string)>)[("", "BenchmarkDotNet (wall-clock time)"), ("cpu:", "Same methods in thread CPU time (cpu-time mode)")])
        {
            if (micro.All(r => !r.Type.StartsWith(type + "RoutingBenchmarks", StringComparison.Ordinal) && !r.Type.StartsWith(type + "HotPath", StringComparison.Ordinal)))
            {
                continue;
            }

            md.AppendLine(Inv, $"**{caption}**");
            md.AppendLine();
            MicroTable(md, micro.Where(r => r.Type == type + "RoutingBenchmarks" || r.Type == type + "HotPathBenchmarks").ToList());
        }

        foreach (var (type, caption) in (ReadOnlySpan<(string, string)>)[("TableMaintenanceBenchmarks", "wall-clock"), ("cpu:TableMaintenanceBenchmarks", "thread CPU time")])
        {
            var maintenance = micro.Where(r => r.Type == type).ToList();
            if (maintenance.Count == 0)
            {
                continue;
            }

            md.AppendLine(Inv, $"| Table maintenance, 100,000 configurations ({caption}) | median | range | allocated |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var group in maintenance.GroupBy(r => r.Method))
            {
                md.AppendLine(Inv,
                    $"| {group.Key} | {Time(Median(group.Select(r => r.MedianNs)))} | {Time(group.Min(r => r.MedianNs))}–{Time(group.Max(r => r.MedianNs))} | " +
                    $"{Bytes(Median(group.Select(r => r.AllocatedBytes ?? 0)))} |");
            }

            md.AppendLine();
        }
    }

    private static void MicroTable(StringBuilder md, List<MicroResult> routing)
    {
        md.AppendLine("| Method | Configurations | Fan-out | ns/event (median) | range | events/s | allocated B/event | vs 10 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in routing.GroupBy(r => (r.Method, r.FanOut, r.Configurations))
                     .OrderBy(g => MethodOrder(g.Key.Method)).ThenBy(g => g.Key.FanOut).ThenBy(g => g.Key.Configurations))
        {
            var ns = Median(group.Select(r => r.MedianNs));
            var at10 = routing.Where(r => r.Method == group.Key.Method && r.FanOut == group.Key.FanOut && r.Configurations == 10).Select(r => r.MedianNs).ToList();
            var ratio = at10.Count > 0 ? ns / Median(at10) : double.NaN;
            md.AppendLine(Inv,
                $"| {group.Key.Method} | {group.Key.Configurations:N0} | {group.Key.FanOut} | {ns:F1} | {group.Min(r => r.MedianNs):F1}–{group.Max(r => r.MedianNs):F1} | " +
                $"{1e9 / ns:N0} | {Median(group.Select(r => r.AllocatedBytes ?? 0)):F0} | {(double.IsNaN(ratio) ? "–" : ratio.ToString("F2", Inv))} |");
        }

        md.AppendLine();
    }

    private static void WriteLoad(StringBuilder md, List<RunFile> files)
    {
        var all = files.SelectMany(f => f.Scenarios.Select(s => (File: f, Scenario: s))).ToList();
        if (all.Count == 0)
        {
            return;
        }

        // Runs are numbered per file; make them unique across files.
        var runIds = all.Select(x => (x.File.StartedAt, x.Scenario.Run)).Distinct().OrderBy(x => x.StartedAt).ThenBy(x => x.Run)
            .Select((x, i) => (x, i + 1)).ToDictionary(p => p.x, p => p.Item2);
        int RunOf((RunFile File, ScenarioResult Scenario) x) => runIds[(x.File.StartedAt, x.Scenario.Run)];

        md.AppendLine(Inv, $"### End-to-end ({runIds.Count} run(s), {string.Join(", ", files.Select(f => $"{f.Mode} N={f.Events:N0}").Distinct())})");
        md.AppendLine();
        md.AppendLine("Raw results, one row per scenario and run. Ratio = dispatcher events/s ÷ relay events/s of the same run and fan-out.");
        md.AppendLine();
        md.AppendLine("| Run | System | Fan-out | +configs | events | events/s | dispatches/s | ratio | p50 ms | p95 ms | p99 ms | CPU cores | CPU µs/event | peak RSS MB | lost | dup | load avg before |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var x in all.Where(x => x.Scenario.Error is null).OrderBy(RunOf).ThenBy(x => x.Scenario.ExtraConfigurations).ThenBy(x => x.Scenario.FanOut).ThenBy(x => x.Scenario.System == "dispatcher"))
        {
            var s = x.Scenario;
            var ratio = Ratio(all.Where(y => RunOf(y) == RunOf(x)).Select(y => y.Scenario).ToList(), s);
            md.AppendLine(Inv,
                $"| {RunOf(x)} | {s.System} | {s.FanOut} | {s.ExtraConfigurations:N0} | {s.Events:N0} | {s.EventsPerSecond:N0} | {s.DispatchesPerSecond:N0} | " +
                $"{(ratio is { } r ? r.ToString("P0", Inv) : "")} | {s.P50Ms:F1} | {s.P95Ms:F1} | {s.P99Ms:F1} | {s.CpuCores:F2} | {s.CpuMicrosecondsPerEvent:F0} | " +
                $"{s.PeakRssBytes / 1048576.0:F0} | {s.Lost} | {s.Duplicates} | {s.LoadAverageBefore.Split(' ').FirstOrDefault()}{(s.Error is not null ? " **error**" : string.Empty)} |");
        }

        foreach (var x in all.Where(x => x.Scenario.Error is not null))
        {
            md.AppendLine(Inv, $"\nNot counted: run {RunOf(x)} {x.Scenario.System} fan-out {x.Scenario.FanOut} +{x.Scenario.ExtraConfigurations:N0} failed: {x.Scenario.Error!.Split('\n')[0]}");
        }

        md.AppendLine();
        md.AppendLine("Medians over runs:");
        md.AppendLine();
        md.AppendLine("| System | Fan-out | +configs | events per run | runs | events/s | dispatches/s | ratio (median of per-run ratios) | p50 ms | p95 ms | p99 ms | CPU cores | CPU µs/event | peak RSS MB |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in all.Where(x => x.Scenario.Error is null)
                     .GroupBy(x => (x.Scenario.System, x.Scenario.FanOut, x.Scenario.ExtraConfigurations, x.Scenario.Events))
                     .OrderBy(g => g.Key.Events).ThenBy(g => g.Key.ExtraConfigurations).ThenBy(g => g.Key.FanOut).ThenBy(g => g.Key.System == "dispatcher"))
        {
            var ratios = group.Select(x => Ratio(all.Where(y => RunOf(y) == RunOf(x)).Select(y => y.Scenario).ToList(), x.Scenario))
                .OfType<double>().ToList();
            var s = group.Select(x => x.Scenario).ToList();
            md.AppendLine(Inv,
                $"| {group.Key.System} | {group.Key.FanOut} | {group.Key.ExtraConfigurations:N0} | {group.Key.Events:N0} | {s.Count} | {Median(s.Select(r => r.EventsPerSecond)):N0} | " +
                $"{Median(s.Select(r => r.DispatchesPerSecond)):N0} | {(ratios.Count > 0 ? Median(ratios).ToString("P0", Inv) : "")} | " +
                $"{Median(s.Select(r => r.P50Ms)):F1} | {Median(s.Select(r => r.P95Ms)):F1} | {Median(s.Select(r => r.P99Ms)):F1} | " +
                $"{Median(s.Select(r => r.CpuCores)):F2} | {Median(s.Select(r => r.CpuMicrosecondsPerEvent)):F0} | {Median(s.Select(r => r.PeakRssBytes / 1048576.0)):F0} |");
        }

        var half = all.Where(x => x.Scenario.HalfRateEventsPerSecond is not null).ToList();
        if (half.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Latency at half the dispatcher's saturating rate (publish → arrival at the destination queue):");
            md.AppendLine();
            md.AppendLine("| Run | Fan-out | saturating run's events | rate events/s | events at half rate | p50 ms | p95 ms | p99 ms | max ms | lost |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var x in half.OrderBy(RunOf))
            {
                var s = x.Scenario;
                md.AppendLine(Inv,
                    $"| {RunOf(x)} | {s.FanOut} | {s.Events:N0} | {s.HalfRateEventsPerSecond:N0} | {s.HalfRateEvents:N0} | {s.HalfRateP50Ms:F1} | {s.HalfRateP95Ms:F1} | " +
                    $"{s.HalfRateP99Ms:F1} | {s.HalfRateMaxMs:F1} | {s.HalfRateLost} |");
            }

            foreach (var byEvents in half.GroupBy(x => x.Scenario.Events).OrderBy(g => g.Key))
            {
                md.AppendLine(Inv,
                    $"| **median** | | {byEvents.Key:N0} | {Median(byEvents.Select(x => x.Scenario.HalfRateEventsPerSecond!.Value)):N0} | | {Median(byEvents.Select(x => x.Scenario.HalfRateP50Ms!.Value)):F1} | " +
                    $"{Median(byEvents.Select(x => x.Scenario.HalfRateP95Ms!.Value)):F1} | {Median(byEvents.Select(x => x.Scenario.HalfRateP99Ms!.Value)):F1} | | |");
            }
        }

        md.AppendLine();
        md.AppendLine("Machines: " + string.Join("; ", files.Select(f => f.Machine).Distinct()));
        md.AppendLine();
    }

    private static double? Ratio(List<ScenarioResult> run, ScenarioResult s)
    {
        if (s.System != "dispatcher" || s.Error is not null)
        {
            return null;
        }

        var relay = run.FirstOrDefault(r => r.System == "relay" && r.FanOut == s.FanOut && r.Error is null);
        return relay is null ? null : s.EventsPerSecond / relay.EventsPerSecond;
    }

    private static string Chart(List<RunFile> files, List<MicroResult> micro)
    {
        const int width = 1000, height = 440;
        var svg = new StringBuilder();
        svg.AppendLine(Inv, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        var scenarios = files.SelectMany(f => f.Scenarios).Where(s => s.Error is null).ToList();
        // One event count for the fan-out bars (the one that covers the most fan-outs), so the bars are comparable.
        var events = scenarios.Where(s => s.ExtraConfigurations == 0).GroupBy(s => s.Events)
            .OrderByDescending(g => g.Select(s => s.FanOut).Distinct().Count()).ThenByDescending(g => g.Key).Select(g => g.Key).FirstOrDefault();
        scenarios = scenarios.Where(s => s.ExtraConfigurations > 0 || s.Events == events).ToList();

        // Left panel: end-to-end events/s by fan-out (medians), relay vs dispatcher, plus fan-out 3 with many configurations.
        var groups = new List<(string Label, double? Relay, double? Dispatcher)>();
        foreach (var fanOut in scenarios.Select(s => s.FanOut).Distinct().Order())
        {
            groups.Add(($"fan-out {fanOut}",
                MedianOrNull(scenarios.Where(s => s.System == "relay" && s.FanOut == fanOut && s.ExtraConfigurations == 0).Select(s => s.EventsPerSecond)),
                MedianOrNull(scenarios.Where(s => s.System == "dispatcher" && s.FanOut == fanOut && s.ExtraConfigurations == 0).Select(s => s.EventsPerSecond))));
        }

        foreach (var extra in scenarios.Where(s => s.ExtraConfigurations > 0).Select(s => s.ExtraConfigurations).Distinct().Order())
        {
            groups.Add(($"f-o 3, +{extra / 1000:N0}k cfg", null,
                MedianOrNull(scenarios.Where(s => s.System == "dispatcher" && s.ExtraConfigurations == extra).Select(s => s.EventsPerSecond))));
        }

        BarPanel(svg, 10, 10, 470, 400, $"End-to-end events/s (median, {events:N0} events per run)", groups);

        // Right panel: micro-benchmark events/s on one core by number of configurations, per fan-out (log scale).
        // Thread CPU time when measured (robust on a shared machine), else BenchmarkDotNet's wall-clock results.
        var cpu = micro.Where(r => r.Type == "cpu:RoutingBenchmarks").ToList();
        LinePanel(svg, 510, 10, 480, 400, cpu.Count > 0 ? cpu : micro.Where(r => r.Type == "RoutingBenchmarks").ToList(),
            cpu.Count > 0 ? "thread CPU time" : "wall-clock");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void BarPanel(StringBuilder svg, int x0, int y0, int w, int h, string title, List<(string Label, double? Relay, double? Dispatcher)> groups)
    {
        svg.AppendLine(Inv, $"""<text x="{x0 + w / 2}" y="{y0 + 16}" text-anchor="middle" font-weight="bold">{title}</text>""");
        svg.AppendLine(Inv, $"""<text x="{x0 + w / 2}" y="{y0 + h + 22}" text-anchor="middle" font-size="10">RabbitMQ on the same 2 cores; persistent messages, publisher confirms</text>""");
        if (groups.Count == 0)
        {
            return;
        }

        int left = x0 + 60, right = x0 + w - 10, top = y0 + 50, bottom = y0 + h - 50;
        var max = groups.SelectMany(g => new[] { g.Relay ?? 0, g.Dispatcher ?? 0 }).Max();
        var scale = NiceCeiling(max);
        for (var i = 0; i <= 5; i++)
        {
            var v = scale * i / 5;
            var y = bottom - (bottom - top) * i / 5.0;
            svg.AppendLine(Inv, $"""<line x1="{left}" y1="{y:F1}" x2="{right}" y2="{y:F1}" stroke="#ddd"/><text x="{left - 5}" y="{y + 4:F1}" text-anchor="end">{v:N0}</text>""");
        }

        var slot = (right - left) / (double)groups.Count;
        for (var g = 0; g < groups.Count; g++)
        {
            var (label, relay, dispatcher) = groups[g];
            var bar = slot * 0.35;
            void Bar(double? value, double offset, string color)
            {
                if (value is not { } v)
                {
                    return;
                }

                var barHeight = (bottom - top) * v / scale;
                var x = left + slot * g + offset;
                svg.AppendLine(Inv, $"""<rect x="{x:F1}" y="{bottom - barHeight:F1}" width="{bar:F1}" height="{barHeight:F1}" fill="{color}"/>""");
                svg.AppendLine(Inv, $"""<text x="{x + bar / 2:F1}" y="{bottom - barHeight - 4:F1}" text-anchor="middle" font-size="10">{v:N0}</text>""");
            }

            Bar(relay, slot * 0.12, "#9e9e9e");
            Bar(dispatcher, slot * 0.12 + bar + 2, "#1f77b4");
            svg.AppendLine(Inv, $"""<text x="{left + slot * (g + 0.5):F1}" y="{bottom + 16}" text-anchor="middle" font-size="11">{label}</text>""");
        }

        svg.AppendLine(Inv, $"""<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="black"/>""");
        svg.AppendLine(Inv, $"""<rect x="{left}" y="{y0 + 26}" width="12" height="12" fill="#9e9e9e"/><text x="{left + 16}" y="{y0 + 36}">baseline relay (RabbitMQ.Client)</text>""");
        svg.AppendLine(Inv, $"""<rect x="{left + 220}" y="{y0 + 26}" width="12" height="12" fill="#1f77b4"/><text x="{left + 236}" y="{y0 + 36}">dispatcher</text>""");
    }

    private static void LinePanel(StringBuilder svg, int x0, int y0, int w, int h, List<MicroResult> routing, string clock)
    {
        svg.AppendLine(Inv, $"""<text x="{x0 + w / 2}" y="{y0 + 16}" text-anchor="middle" font-weight="bold">Micro: events/s on one core by configurations (log scale)</text>""");
        svg.AppendLine(Inv, $"""<text x="{x0 + w / 2}" y="{y0 + h + 22}" text-anchor="middle" font-size="10">median of runs, {clock}; +meta = TailoredMeta(), +wire body = DispatchBodyTemplate (what is sent)</text>""");
        if (routing.Count == 0)
        {
            return;
        }

        int left = x0 + 60, right = x0 + w - 130, top = y0 + 40, bottom = y0 + h - 50;
        var sizes = routing.Select(r => r.Configurations).Distinct().Order().ToList();
        var series = routing.GroupBy(r => (r.Method, r.FanOut))
            .Where(g => g.Key.Method is "LookupAndWireBody" or "LookupAndTailoredMeta" or "Lookup")
            .OrderBy(g => MethodOrder(g.Key.Method)).ThenBy(g => g.Key.FanOut)
            .Select(g => (g.Key, Points: sizes.Select(n => MedianOrNull(g.Where(r => r.Configurations == n).Select(r => 1e9 / r.MedianNs))).ToList()))
            .ToList();
        var values = series.SelectMany(s => s.Points).OfType<double>().ToList();
        var lo = Math.Floor(Math.Log10(Math.Min(values.Min(), 2e6)));
        var hi = Math.Ceiling(Math.Log10(values.Max()));
        double Y(double v) => bottom - (bottom - top) * (Math.Log10(v) - lo) / (hi - lo);
        double X(int i) => sizes.Count == 1 ? (left + right) / 2.0 : left + (right - left) * i / (double)(sizes.Count - 1);
        for (var e = lo; e <= hi; e++)
        {
            var y = Y(Math.Pow(10, e));
            svg.AppendLine(Inv, $"""<line x1="{left}" y1="{y:F1}" x2="{right}" y2="{y:F1}" stroke="#ddd"/><text x="{left - 5}" y="{y + 4:F1}" text-anchor="end">1e{e:F0}</text>""");
        }

        var target = Y(2e6);
        svg.AppendLine(Inv, $"""<line x1="{left}" y1="{target:F1}" x2="{right}" y2="{target:F1}" stroke="#d62728" stroke-dasharray="6,4"/><text x="{right}" y="{target - 4:F1}" text-anchor="end" fill="#d62728" font-size="10">target 2M events/s (fan-out 3)</text>""");
        for (var i = 0; i < sizes.Count; i++)
        {
            svg.AppendLine(Inv, $"""<text x="{X(i):F1}" y="{bottom + 16}" text-anchor="middle">{sizes[i]:N0}</text>""");
        }

        svg.AppendLine(Inv, $"""<text x="{(left + right) / 2}" y="{bottom + 34}" text-anchor="middle">configurations in the routing table</text>""");
        string[] colors = ["#2ca02c", "#1f77b4", "#ff7f0e"];
        var fanOuts = routing.Select(r => r.FanOut).Distinct().Order().ToList();
        var legend = 0;
        foreach (var (key, points) in series)
        {
            var color = colors[fanOuts.IndexOf(key.FanOut) % colors.Length];
            var dash = key.Method switch { "Lookup" => "2,3", "LookupAndTailoredMeta" => "8,4", _ => "none" };
            var path = string.Join(' ', points.Select((p, i) => p is { } v ? $"{X(i):F1},{Y(v):F1}" : null).OfType<string>());
            svg.AppendLine(Inv, $"""<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/>""");
            foreach (var (p, i) in points.Select((p, i) => (p, i)))
            {
                if (p is { } v)
                {
                    svg.AppendLine(Inv, $"""<circle cx="{X(i):F1}" cy="{Y(v):F1}" r="3" fill="{color}"/>""");
                }
            }

            var ly = top + legend++ * 16;
            svg.AppendLine(Inv, $"""<line x1="{right + 8}" y1="{ly}" x2="{right + 30}" y2="{ly}" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{right + 34}" y="{ly + 4}" font-size="10">{Short(key.Method)} f={key.FanOut}</text>""");
        }
    }

    private static string Short(string method) => method switch
    {
        "Lookup" => "lookup",
        "LookupAndTailoredMeta" => "+meta",
        "LookupAndWireBody" => "+wire body",
        _ => method,
    };

    private static int MethodOrder(string method) => method switch
    {
        "Lookup" => 0,
        "LookupSameSource" => 1,
        "LookupAndDispatches" => 2,
        "LookupAndTailoredMeta" => 3,
        "LookupAndWireBody" => 4,
        _ => 5,
    };

    private static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(value, 1))));
        foreach (var step in (double[])[1, 2, 2.5, 5, 10])
        {
            if (value <= step * magnitude)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double? MedianOrNull(IEnumerable<double> values)
    {
        var median = Median(values);
        return double.IsNaN(median) ? null : median;
    }

    private static string Time(double ns) => ns switch
    {
        >= 1e9 => $"{ns / 1e9:F2} s",
        >= 1e6 => $"{ns / 1e6:F1} ms",
        >= 1e3 => $"{ns / 1e3:F1} µs",
        _ => $"{ns:F0} ns",
    };

    private static string Bytes(double b) => b switch
    {
        >= 1 << 20 => $"{b / 1048576:F1} MB",
        >= 1 << 10 => $"{b / 1024:F1} KB",
        _ => $"{b:F0} B",
    };
}
