using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dispatcher.TestSupport;

namespace Dispatcher.Api.Tests.Health;

/// <summary>
/// The container HEALTHCHECK's command, against the real service process: the service listens on the port given by
/// the original's <c>PORT</c> variable, and <c>--probe /health/live</c> exits 0 while it runs, 1 where nothing answers.
/// </summary>
[NonParallelizable]
public sealed class SelfProbeTests
{
    [Test]
    public async Task The_probe_passes_against_the_running_service_on_PORT_and_fails_where_nothing_listens()
    {
        var port = FreePort();
        var directory = Path.Combine(Path.GetTempPath(), "dispatcher-probe-tests", Guid.NewGuid().ToString("N"));
        using var service = Start(["--environment", "Production"], new Dictionary<string, string?>
        {
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Unset: a value of their own (even empty) would win over the PORT alias.
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_URLS"] = null,
            ["Storage__Sqlite__Path"] = Path.Combine(directory, "dispatcher.db"),
            ["Reconciler__Enabled"] = "false",
        });
        try
        {
            var watch = Stopwatch.StartNew();
            int exitCode;
            do
            {
                await Task.Delay(250);
                exitCode = await RunToEndAsync(Start([Dispatcher.Api.Health.SelfProbe.Switch, "/health/live"], new Dictionary<string, string?> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
            }
            while (exitCode != 0 && watch.Elapsed < TimeSpan.FromSeconds(30) && !service.HasExited);

            exitCode.Should().Be(0, "the service answers /health/live on PORT {0}", port);
            var closed = await RunToEndAsync(Start([Dispatcher.Api.Health.SelfProbe.Switch, $"http://127.0.0.1:{FreePort()}/health/live"], new Dictionary<string, string?>()));
            closed.Should().Be(1);
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
            }

            await service.WaitForExitAsync();
        }
    }

    private static Process Start(IEnumerable<string> arguments, IDictionary<string, string?> environment)
    {
        var build = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        var dll = Path.Combine(SourceRoot.Path, "src", "Dispatcher.Api", "bin", build.Parent!.Name, build.Name, "Dispatcher.Api.dll");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = Process.Start(start)!;
        // Drain the output so the child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<int> RunToEndAsync(Process process)
    {
        using (process)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(deadline.Token);
            return process.ExitCode;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
