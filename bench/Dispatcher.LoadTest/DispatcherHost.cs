using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dispatcher.LoadTest;

/// <summary>The flows of the benchmark configuration: one source app, <c>fanOut</c> target apps.</summary>
public sealed record ProbeConfiguration(string SourceFlowId, string SourceAppUid, IReadOnlyList<string> TargetFlowIds, IReadOnlyList<string> TargetAppUids);

/// <summary>
/// The real dispatcher (<c>src/Dispatcher.Api</c>, Release build) as a separate process, configured as in production
/// except for names: SQLite in a temporary folder, the standalone flow registry, RabbitMQ with a unique exchange and
/// service queue, JWT auth with the load tool's key, reconciler off, logging at Warning.
/// </summary>
public sealed partial class DispatcherHost : IAsyncDisposable
{
    private readonly string _apiDll;
    private readonly string _directory;
    private readonly string _amqp;
    private readonly string _logPrefix;
    private readonly IReadOnlyDictionary<string, string> _extraEnvironment;
    private readonly TimeSpan _startTimeout;
    private int _starts;

    public DispatcherHost(
        string apiDll, string directory, string amqp, string name, IReadOnlyDictionary<string, string>? extraEnvironment = null,
        TimeSpan? startTimeout = null)
    {
        _startTimeout = startTimeout ?? TimeSpan.FromMinutes(5);
        _extraEnvironment = extraEnvironment ?? new Dictionary<string, string>();
        _apiDll = Path.GetFullPath(apiDll);
        _directory = directory;
        _amqp = amqp;
        _logPrefix = Path.Combine(directory, name);
        Exchange = $"{name}-event-bus";
        ServiceQueue = $"{name}-dispatcher";
        Directory.CreateDirectory(directory);
    }

    public string Exchange { get; }

    public string ServiceQueue { get; }

    public string DatabasePath => Path.Combine(_directory, "dispatcher.db");

    public ChildProcess? Process { get; private set; }

    public int? LoadedConfigurations { get; private set; }

    public Uri? BaseAddress { get; private set; }

    /// <summary>Starts the process and waits until HTTP answers and the service queue exists.</summary>
    public async Task StartAsync(Func<Task> waitForServiceQueue)
    {
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var environment = new Dictionary<string, string>(Jwt.Settings())
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = BaseAddress.ToString(),
            ["Storage__Sqlite__Path"] = DatabasePath,
            ["FlowRegistry__Standalone__Path"] = DatabasePath,
            ["FlowRegistry__Standalone__TransitionDelay"] = "00:00:00.1",
            ["Reconciler__Enabled"] = "false",
            ["Messaging__RabbitMqUrl"] = _amqp,
            ["Messaging__Exchange"] = Exchange,
            ["Messaging__Queue"] = ServiceQueue,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Dispatcher.Infrastructure.Messaging.Routing.RoutingTableLoader"] = "Information",
        };
        foreach (var (key, value) in _extraEnvironment)
        {
            environment[key] = value;
        }

        var log = $"{_logPrefix}-dispatcher-{++_starts}.log";
        Process = ChildProcess.Start("dotnet", [_apiDll], environment, Path.GetDirectoryName(_apiDll)!, log);
        var loaded = Process.WaitForLineAsync(line => line.Contains("Routing table loaded", StringComparison.Ordinal), _startTimeout);
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + _startTimeout;
        while (true)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"The dispatcher exited during start-up; see {log}.");
            }

            try
            {
                using var response = await http.GetAsync("/");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The dispatcher did not answer within {_startTimeout}; see {log}.");
            }

            await Task.Delay(100);
        }

        var line = await loaded;
        LoadedConfigurations = LoadedCount().Match(line) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        await waitForServiceQueue();
    }

    /// <summary>Stops the process (SIGTERM).</summary>
    public async Task StopAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
            Process = null;
        }
    }

    /// <summary>
    /// Creates the benchmark configuration through the API: a source app sending persons and <paramref name="fanOut"/>
    /// apps receiving person CREATE, so each event goes to exactly <paramref name="fanOut"/> flows.
    /// </summary>
    public async Task<ProbeConfiguration> CreateProbeAsync(int fanOut)
    {
        const string person = "http://metadata.example.com/api/v1/domains/5d9b/schemas/person";
        var apps = new JsonArray();
        for (var a = 0; a <= fanOut; a++)
        {
            var source = a == 0;
            apps.Add(new JsonObject
            {
                ["applicationName"] = source ? "Bench source" : $"Bench target {a}",
                ["applicationUid"] = source ? "bench-source" : $"bench-target-{a}",
                ["adapterComponentId"] = "5d2484d2a422ca001bda5690",
                ["outbound"] = new JsonObject
                {
                    ["active"] = source,
                    ["flows"] = source
                        ? new JsonArray(new JsonObject { ["adapterAction"] = "getPersons", ["schemaUri"] = person })
                        : new JsonArray(),
                },
                ["inbound"] = new JsonObject
                {
                    ["active"] = !source,
                    ["flows"] = source
                        ? new JsonArray()
                        : new JsonArray(new JsonObject { ["operation"] = "CREATE", ["adapterAction"] = "createPerson", ["schemaUri"] = person }),
                },
            });
        }

        var body = new JsonObject { ["name"] = $"Bench fan-out {fanOut}", ["dataModel"] = "5d9b", ["applications"] = apps };
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Jwt.Create("bench"));
        using var response = await http.PostAsync("/dispatches", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST /dispatches answered {(int)response.StatusCode}: {text}");
        }

        var created = JsonNode.Parse(text)!["data"]!["applications"]!.AsArray();
        var sourceFlow = created[0]!["outbound"]!["flows"]![0]!["flowId"]!.GetValue<string>();
        var targets = created.Skip(1).Select(app => app!["inbound"]!["flows"]![0]!["flowId"]!.GetValue<string>()).ToList();
        var targetUids = created.Skip(1).Select(app => app!["applicationUid"]!.GetValue<string>()).ToList();
        return new ProbeConfiguration(sourceFlow, "bench-source", targets, targetUids);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"Routing table loaded: (\d+) configuration")]
    private static partial Regex LoadedCount();
}
