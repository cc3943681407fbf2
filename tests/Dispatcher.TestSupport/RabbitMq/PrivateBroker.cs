using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dispatcher.TestSupport.RabbitMq;

/// <summary>
/// A RabbitMQ node of its own for tests that stop and restart the broker: the shared broker on 5672 serves every other
/// test run on the machine and must never be restarted. Started from the installed <c>rabbitmq-server</c> (build/test.sh
/// installs it) with its own node name, loopback ports, data and log folder, no plugins; its data survives
/// <see cref="StopAsync"/>/<see cref="StartAsync"/> like a real restart. Disposal shuts it down and deletes the folder.
/// </summary>
public sealed class PrivateBroker : IAsyncDisposable
{
    private static readonly string[] ToolFolders = ["/usr/sbin", "/usr/lib/rabbitmq/bin", "/sbin"];
    private readonly string _directory;
    private readonly int _distPort;

    private PrivateBroker(string directory, int port, int distPort)
    {
        _directory = directory;
        Port = port;
        _distPort = distPort;
        NodeName = $"dispatcher-test-{port}@localhost";
    }

    /// <summary>The node's AMQP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The Erlang node name.</summary>
    public string NodeName { get; }

    /// <summary>The node's AMQP URL (guest may log in from loopback).</summary>
    public string Url => $"amqp://guest:guest@127.0.0.1:{Port}/";

    /// <summary>True when <c>rabbitmq-server</c> is installed here.</summary>
    public static bool Available => Tool("rabbitmq-server") is not null;

    /// <summary>Creates and starts a node; returns once it accepts AMQP connections.</summary>
    public static async Task<PrivateBroker> StartNewAsync(TimeSpan timeout)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"dispatcher-rabbit-{Guid.NewGuid():N}"[..30]);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].");
        await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq.conf"), "loopback_users = none\n");
        // The server drops to the rabbitmq user when started by root: that user must own the folder.
        if (System.Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "rabbitmq:rabbitmq", directory], TimeSpan.FromSeconds(10), environment: null);
        }

        var broker = new PrivateBroker(directory, FreePort(), FreePort());
        await broker.StartAsync(timeout);
        return broker;
    }

    /// <summary>Starts the node (again); returns once it accepts AMQP connections.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        await RunAsync(Tool("rabbitmq-server") ?? "rabbitmq-server", ["-detached"], TimeSpan.FromSeconds(30), Environment());
        var watch = Stopwatch.StartNew();
        while (!await AcceptsAsync())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"The private broker {NodeName} did not accept connections within {timeout} (logs in {_directory}/log).");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Shuts the node down and waits until it has exited (clients see their connections closed).</summary>
    public Task StopAsync() =>
        RunAsync(Tool("rabbitmqctl") ?? "rabbitmqctl", ["-n", NodeName, "-q", "shutdown"], TimeSpan.FromSeconds(60), Environment());

    /// <summary>True when the AMQP port accepts a TCP connection.</summary>
    public async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temporary folder is cleaned up eventually.
        }
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RABBITMQ_DIST_PORT"] = _distPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq"),
        ["RABBITMQ_PID_FILE"] = Path.Combine(_directory, "pid"),
        ["PATH"] = $"{System.Environment.GetEnvironmentVariable("PATH")}:{string.Join(':', ToolFolders)}",
    };

    private static string? Tool(string name) =>
        ToolFolders.Concat((System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] arguments, TimeSpan timeout, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {file}.");
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {string.Concat(await output).Trim()}");
        }
    }
}
