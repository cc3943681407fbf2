using Dispatcher.TestSupport.Domain;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Benchmarks;

/// <summary>
/// The same benchmark methods measured in <em>thread CPU time</em> (<c>CLOCK_THREAD_CPUTIME_ID</c>) instead of wall
/// time. On a shared 2-core machine where other builds and tests take turns on the cores, wall time includes the time
/// the benchmark thread waited for a core; CPU time does not, so these figures stay comparable between runs (cache
/// pollution by the neighbours still shows). The GC is non-concurrent in this process, so collections are charged to
/// the benchmark thread. Usage: <c>cpu-time [repetitions] [--out file.json]</c>.
/// </summary>
public static partial class CpuTimeRunner
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>One measurement.</summary>
    public sealed record Sample(string Type, string Method, int Configurations, int FanOut, int Repetition, double CpuNsPerOperation, double AllocatedBytesPerOperation);

    public static int Run(string[] args)
    {
        var repetitions = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var r) ? r : 3;
        var outIndex = Array.IndexOf(args, "--out");
        var output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null;
        var samples = new List<Sample>();
        void Record(Sample sample)
        {
            samples.Add(sample);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{sample.Type,-26} {sample.Method,-22} configs={sample.Configurations,-7} fanOut={sample.FanOut,-3} rep={sample.Repetition} " +
                $"cpu={sample.CpuNsPerOperation,12:F1} ns/op  allocated={sample.AllocatedBytesPerOperation,8:F0} B/op"));
        }

        foreach (var size in (int[])[10, 1_000, 100_000])
        {
            var configurations = DomainMix.Configurations(size);
            var table = DomainMix.BuildTable(configurations);
            foreach (var fanOut in (int[])[1, 3, 10])
            {
                var routing = new RoutingBenchmarks { Configurations = size, FanOut = fanOut };
                routing.Setup(configurations, table);
                var methods = new (string Name, Func<long> Body)[]
                {
                    (nameof(RoutingBenchmarks.Lookup), () => routing.Lookup()),
                    (nameof(RoutingBenchmarks.LookupSameSource), () => routing.LookupSameSource()),
                    (nameof(RoutingBenchmarks.LookupAndDispatches), () => routing.LookupAndDispatches()),
                    (nameof(RoutingBenchmarks.LookupAndTailoredMeta), () => routing.LookupAndTailoredMeta()),
                    (nameof(RoutingBenchmarks.LookupAndWireBody), routing.LookupAndWireBody),
                };
                foreach (var (name, body) in methods)
                {
                    for (var rep = 1; rep <= repetitions; rep++)
                    {
                        var (ns, bytes) = Measure(body, RoutingBenchmarks.Events);
                        Record(new Sample(nameof(RoutingBenchmarks), name, size, fanOut, rep, ns, bytes));
                    }
                }

                routing.Cleanup();
                if (size == 1_000)
                {
                    var hot = new HotPathBenchmarks { Configurations = size, FanOut = fanOut };
                    hot.Setup(configurations, table);
                    for (var rep = 1; rep <= repetitions; rep++)
                    {
                        var (ns, bytes) = Measure(hot.HandlerHotPath, RoutingBenchmarks.Events);
                        Record(new Sample(nameof(HotPathBenchmarks), nameof(HotPathBenchmarks.HandlerHotPath), size, fanOut, rep, ns, bytes));
                    }
                }
            }

            if (size == 100_000)
            {
                for (var rep = 1; rep <= repetitions; rep++)
                {
                    var (ns, bytes) = Once(() => DomainMix.BuildTable(configurations).SourceCount);
                    Record(new Sample(nameof(TableMaintenanceBenchmarks), nameof(TableMaintenanceBenchmarks.Build), size, 0, rep, ns, bytes));
                }

                var middle = size / 2 / 10 * 10;
                var original = configurations[middle];
                var changed = DomainMix.ToDomain(Dispatcher.Bench.ConfigurationMix.Generate(size).ElementAt(middle));
                changed.SwitchSide(changed.Apps[1].Id, Direction.Inbound, active: false, DateTimeOffset.UtcNow);
                var flip = false;
                for (var rep = 1; rep <= repetitions; rep++)
                {
                    var (ns, bytes) = Measure(
                        () =>
                        {
                            flip = !flip;
                            table.Upsert(flip ? changed : original);
                            return table.SourceCount;
                        },
                        1);
                    Record(new Sample(nameof(TableMaintenanceBenchmarks), nameof(TableMaintenanceBenchmarks.UpsertOneChange), size, 0, rep, ns, bytes));
                }
            }
        }

        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            File.WriteAllText(output, JsonSerializer.Serialize(samples, new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    /// <summary>Warms up, then runs <paramref name="body"/> for about 0.5 s of CPU time; per operation.</summary>
    private static (double CpuNs, double Bytes) Measure(Func<long> body, int operationsPerCall)
    {
        long sink = 0;
        // Warm-up: run for a while, then pause so the tiered JIT's background thread (slow on a busy machine) can
        // install optimised code; measured code is then what a long-running service runs.
        for (var round = 0; round < 3; round++)
        {
            var until = Environment.TickCount64 + 300;
            while (Environment.TickCount64 < until)
            {
                sink += body();
            }

            Thread.Sleep(300);
        }

        var calls = 1L;
        // Calibration: double the calls until one batch takes 50 ms of CPU.
        while (true)
        {
            var start = ThreadCpuNanoseconds();
            for (var i = 0; i < calls; i++)
            {
                sink += body();
            }

            if (ThreadCpuNanoseconds() - start > 50_000_000 || calls > 1 << 24)
            {
                break;
            }

            calls *= 2;
        }

        calls *= 10;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = ThreadCpuNanoseconds();
        for (var i = 0; i < calls; i++)
        {
            sink += body();
        }

        var cpu = ThreadCpuNanoseconds() - cpuBefore;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        GC.KeepAlive(sink);
        var operations = (double)calls * operationsPerCall;
        return (cpu / operations, allocated / operations);
    }

    private static (double CpuNs, double Bytes) Once(Func<long> body)
    {
        GC.Collect();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = ThreadCpuNanoseconds();
        GC.KeepAlive(body());
        return (ThreadCpuNanoseconds() - cpuBefore, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
    }

    private static long ThreadCpuNanoseconds()
    {
        if (ClockGetTime(ClockThreadCpuTime, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);
}
