using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Dispatcher.LoadTest;

/// <summary>
/// A process under measurement (the dispatcher or the relay): output to a log file, CPU time and memory read from
/// <c>/proc/&lt;pid&gt;/stat</c> and <c>/proc/&lt;pid&gt;/status</c>, stopped with SIGTERM (then SIGKILL).
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private static readonly double TicksPerSecond = ClockTicks();
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly List<Action<string>> _lineWatchers = [];

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>, logging its output to <paramref name="logPath"/>.</summary>
    public static ChildProcess Start(
        string fileName, IEnumerable<string> arguments, IDictionary<string, string> environment, string workingDirectory, string logPath)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, new StreamWriter(logPath) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Completes with the first output line that <paramref name="match"/> accepts.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lineWatchers)
        {
            _lineWatchers.Add(line =>
            {
                if (match(line))
                {
                    found.TrySetResult(line);
                }
            });
        }

        return found.Task.WaitAsync(timeout);
    }

    /// <summary>User + system CPU seconds used so far.</summary>
    public double CpuSeconds()
    {
        // Fields after the command name (which is in parentheses and may contain spaces): utime is the 14th field.
        var stat = File.ReadAllText($"/proc/{Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
    }

    /// <summary>The peak (VmHWM) and current (VmRSS) resident set size in bytes.</summary>
    public (long Peak, long Current) Memory()
    {
        long peak = 0, current = 0;
        foreach (var line in File.ReadLines($"/proc/{Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                current = Kilobytes(line) * 1024;
            }
        }

        return (peak, current);
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then kill.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
            try
            {
                await _process.WaitForExitAsync().WaitAsync(grace);
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The process wrote after we stopped listening.
            }
        }

        Action<string>[] watchers;
        lock (_lineWatchers)
        {
            watchers = [.. _lineWatchers];
        }

        foreach (var watcher in watchers)
        {
            watcher(line);
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static double ClockTicks()
    {
        // USER_HZ is 100 on every Linux the tool runs on; getconf confirms it when present.
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true });
            var text = getconf!.StandardOutput.ReadToEnd().Trim();
            getconf.WaitForExit();
            return double.Parse(text, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FormatException)
        {
            return 100;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
