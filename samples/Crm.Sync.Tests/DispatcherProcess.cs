using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Crm.Sync.Tests;

/// <summary>
/// The real dispatcher (<c>Dispatcher.Api.dll</c>, a Release build of the same commit as the packages) as a child
/// process: SQLite and the standalone flow registry in a temporary folder, RabbitMQ with its own exchange and queue
/// names (so it meets no other dispatcher on the broker), JWT auth with the test's key, and
/// <c>Messaging:PublishContracts=true</c> so that it publishes a <c>RecordDispatched</c> for every copy it delivers.
/// </summary>
public sealed class DispatcherProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private DispatcherProcess(Process process, StreamWriter log, Uri baseAddress, string logPath)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        LogPath = logPath;
    }

    public Uri BaseAddress { get; }

    public string LogPath { get; }

    /// <summary>
    /// <c>DISPATCHER_API_DLL</c>, else <c>src/Dispatcher.Api/bin/Release/net10.0/Dispatcher.Api.dll</c> of the
    /// repository this sample lives in (build/samples.sh builds it).
    /// </summary>
    public static string ApiDll()
    {
        var configured = Environment.GetEnvironmentVariable("DISPATCHER_API_DLL");
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.GetFullPath(configured);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Dispatcher.sln")))
            {
                return Path.Combine(directory.FullName, "src", "Dispatcher.Api", "bin", "Release", "net10.0", "Dispatcher.Api.dll");
            }
        }

        throw new FileNotFoundException("Set DISPATCHER_API_DLL to the dispatcher's Dispatcher.Api.dll.");
    }

    public static async Task<DispatcherProcess> StartAsync(
        string directory, string amqpUrl, string exchange, string queue, TimeSpan timeout)
    {
        var dll = ApiDll();
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"No dispatcher build at {dll}: run build/samples.sh (or dotnet build src/Dispatcher.Api -c Release).", dll);
        }

        Directory.CreateDirectory(directory);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
        var database = Path.Combine(directory, "dispatcher.db");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var (key, value) in TestJwt.DispatcherSettings())
        {
            info.Environment[key] = value;
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        info.Environment["Storage__Sqlite__Path"] = database;
        info.Environment["FlowRegistry__Standalone__Path"] = database;
        info.Environment["FlowRegistry__Standalone__TransitionDelay"] = "00:00:00.1";
        info.Environment["Reconciler__Enabled"] = "false";
        info.Environment["Messaging__RabbitMqUrl"] = amqpUrl;
        info.Environment["Messaging__Exchange"] = exchange;
        info.Environment["Messaging__Queue"] = queue;
        info.Environment["Messaging__PublishContracts"] = "true";
        info.Environment["Logging__LogLevel__Default"] = "Warning";

        var logPath = Path.Combine(directory, "dispatcher.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var dispatcher = new DispatcherProcess(process, log, baseAddress, logPath);
        try
        {
            await dispatcher.WaitUntilReadyAsync(timeout);
        }
        catch
        {
            await dispatcher.DisposeAsync();
            throw;
        }

        return dispatcher;
    }

    /// <summary>The last lines of the dispatcher's log, for a failure message.</summary>
    public string LogTail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(log {LogPath} unreadable: {e.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first (a graceful stop), then kill.
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    /// <summary>Until <c>/health/ready</c> answers 200: store, event-bus consumer and broker connection are up.</summary>
    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The dispatcher exited during start-up (code {_process.ExitCode}):\n{LogTail()}");
            }

            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The dispatcher was not ready within {timeout}:\n{LogTail()}");
            }

            await Task.Delay(200);
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The last lines after the stop.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
