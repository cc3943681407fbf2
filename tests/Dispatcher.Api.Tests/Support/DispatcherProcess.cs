using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dispatcher.Api.Tests.Support;

/// <summary>
/// The real dispatcher (<c>src/Dispatcher.Api</c> as built next to the tests) in a child process, its settings as
/// environment variables, so a crash is a real one: <see cref="KillAsync"/> sends SIGKILL (no graceful stop, nothing
/// flushed), <see cref="TerminateAsync"/> SIGTERM (the host's graceful shutdown). Its last output lines are kept for
/// the report of a failed test.
/// </summary>
internal sealed class DispatcherProcess : IAsyncDisposable
{
    private const int OutputLines = 400;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private bool _disposed;

    private DispatcherProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the process listens (a free loopback port).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>The last lines the process wrote.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts the process and returns at once. With <paramref name="embeddedDefaults"/>, settings of a broker, a store
    /// or a Flow Repository that the test run's own environment holds are not passed on: only
    /// <paramref name="settings"/> count.
    /// </summary>
    public static DispatcherProcess Start(IReadOnlyDictionary<string, string?> settings, bool embeddedDefaults = false)
    {
        var api = typeof(Program).Assembly.Location;
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList = { api },
            WorkingDirectory = Path.GetDirectoryName(api)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_URLS"] = baseAddress.ToString();
        if (embeddedDefaults)
        {
            foreach (var inherited in start.Environment.Keys.Where(key =>
                key is "QUEUE_URL" or "MONGODB_URL" || key.StartsWith("Messaging__", StringComparison.Ordinal)
                || key.StartsWith("Storage__", StringComparison.Ordinal) || key.StartsWith("FlowRepository__", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(inherited);
            }
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the dispatcher process.");
        var child = new DispatcherProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Starts the process as <see cref="Start"/> does and waits until it answers HTTP (at most <paramref name="timeout"/>).</summary>
    public static async Task<DispatcherProcess> StartAnsweringAsync(
        IReadOnlyDictionary<string, string?> settings, TimeSpan timeout, bool embeddedDefaults = false)
    {
        var child = Start(settings, embeddedDefaults);
        try
        {
            await child.WaitUntilAnsweringAsync(timeout);
        }
        catch
        {
            await TestContext.Out.WriteLineAsync($"dispatcher output:{Environment.NewLine}{child.Output}");
            await child.DisposeAsync();
            throw;
        }

        return child;
    }

    /// <summary>A client with a bearer token for <paramref name="tenant"/>.</summary>
    public HttpClient ClientFor(string tenant, TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout };
        client.DefaultRequestHeaders.Authorization = TestTokens.Bearer(TestTokens.Create(tenant));
        return client;
    }

    /// <summary>
    /// Asks the process to stop (SIGTERM, as an orchestrator does on a rolling deploy) and waits until it has exited;
    /// kills it after <paramref name="timeout"/>. Returns how long the stop took.
    /// </summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        if (_process.HasExited)
        {
            return TimeSpan.Zero;
        }

        using (var signal = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
        {
            await signal!.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"The dispatcher process did not stop within {timeout} after SIGTERM.");
        }

        return watch.Elapsed;
    }

    /// <summary>Kills the process at once (SIGKILL) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await KillAsync();
        _process.Dispose();
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The dispatcher process exited during start-up with code {_process.ExitCode}.");
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

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The dispatcher process did not answer within {timeout}.");
            }

            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > OutputLines && _output.TryDequeue(out _))
        {
        }
    }
}
