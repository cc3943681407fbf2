using System.Globalization;

namespace Dispatcher.LoadTest;

/// <summary>
/// CPU seconds used so far by the broker (every <c>beam.smp</c> process) and by the whole machine (all non-idle time in
/// <c>/proc/stat</c>): on a saturated machine the system under test competes with the broker for the same cores, so
/// what it makes the broker do counts as much as its own CPU.
/// </summary>
public static class HostCpu
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    /// <summary>User + system CPU seconds of all RabbitMQ (Erlang VM) processes, 0 where none can be read.</summary>
    public static double BrokerSeconds()
    {
        var total = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                if (stat[(open + 1)..close] != "beam.smp")
                {
                    continue;
                }

                var fields = stat[(close + 2)..].Split(' ');
                total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        return total;
    }

    /// <summary>Non-idle CPU seconds of the whole machine (all cores) since boot.</summary>
    public static double MachineSeconds()
    {
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal: idle and iowait are not work.
        var busy = fields.Select((value, i) => i is 3 or 4 || i > 7 ? 0 : value).Sum();
        return busy / TicksPerSecond;
    }
}
