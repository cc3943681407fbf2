using System.Diagnostics;
using BenchmarkDotNet.Running;
using Dispatcher.Benchmarks;
using Dispatcher.Domain.Routing;

// `table-memory [N]`: the managed memory a routing table of N configurations keeps (not a BenchmarkDotNet run).
if (args.Length > 0 && args[0] == "table-memory")
{
    var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var watch = Stopwatch.StartNew();
    var table = DomainMix.BuildTable(DomainMix.Configurations(count));
    var elapsed = watch.Elapsed;
    var after = GC.GetTotalMemory(forceFullCollection: true);
    Console.WriteLine(
        $"table-memory configurations={count} sources={table.SourceCount} managedBytes={after - before} " +
        $"bytesPerConfiguration={(after - before) / count} generateAndBuildMs={elapsed.TotalMilliseconds:F0}");
    GC.KeepAlive(table);
    return 0;
}

// `cpu-time [repetitions] [--out file]`: the routing benchmarks in thread CPU time (robust on a busy machine).
if (args.Length > 0 && args[0] == "cpu-time")
{
    return CpuTimeRunner.Run(args);
}

// Everything else goes to BenchmarkDotNet (e.g. --filter '*' --job short --artifacts <dir>).
BenchmarkSwitcher.FromAssembly(typeof(RoutingBenchmarks).Assembly).Run(args);
return 0;
