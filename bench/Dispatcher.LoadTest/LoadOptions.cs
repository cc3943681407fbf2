using System.Globalization;

namespace Dispatcher.LoadTest;

/// <summary>Command-line settings of the load tool (see <see cref="Usage"/>).</summary>
public sealed class LoadOptions
{
    public const string Usage = """
        Dispatcher.LoadTest run [options]       end-to-end load benchmark (dispatcher vs. RabbitMQ.Client relay)
          --events N            events per saturating scenario (default 100000)
          --quick               5000 events per scenario, shorter latency phase
          --smoke               a few hundred events, small scenarios; exit 1 if any dispatch is lost (no timing)
          --runs N              repeat the whole scenario set N times (default 1; medians need 3)
          --fanouts 1,3,10      fan-outs to run (default 1,3,10; "none": only the many-configurations scenario)
          --extra-configs N     also run fan-out 3 with N configurations loaded (default 100000; 0 = skip)
          --start-timeout M     minutes to wait for the dispatcher to start and load its store (default 5)
          --latency-seconds S   length of the half-rate latency phase (default 30; quick 10)
          --api-dll PATH        the dispatcher (default src/Dispatcher.Api/bin/Release/net10.0/Dispatcher.Api.dll)
          --amqp URL            broker (default $DISPATCHER_RABBITMQ or amqp://guest:guest@127.0.0.1:5672/)
          --out DIR             where results and logs go (default artifacts/bench/load-<time>)
          --dispatcher-env K=V  extra environment variable for the dispatcher (repeatable; e.g. DOTNET_gcServer=0)
          --queue-type T        Classic (default) or Quorum: the type of every queue of the run (relay's and
                                dispatcher's alike; the dispatcher gets Messaging__QueueType=T)
          --ordering O          None (default) or PerRecord: the dispatcher's Messaging__Ordering (ordered mode:
                                one extra hop through Messaging:OrderedPartitions partition queues)
        Dispatcher.LoadTest startup [options]   the start-up load alone: seed --extra-configs N configurations once,
                                                start the dispatcher on them --runs times (in-memory bus); also
                                                --db PATH (an existing seeded store: no seeding), --keep-db,
                                                --start-timeout M, --dispatcher-env K=V, --api-dll PATH, --out DIR
        Dispatcher.LoadTest relay --exchange X --queue Q --keys k1,k2 [--amqp URL]   (the baseline; started by run)
        Dispatcher.LoadTest report --load DIR[,DIR...] [--micro DIR] --svg FILE --md FILE
        """;

    public string Mode { get; private set; } = "run";

    public int Events { get; private set; } = 100_000;

    public bool Quick { get; private set; }

    public bool Smoke { get; private set; }

    public int Runs { get; private set; } = 1;

    public int[] FanOuts { get; private set; } = [1, 3, 10];

    public int ExtraConfigurations { get; private set; } = 100_000;

    public double LatencySeconds { get; private set; } = 30;

    /// <summary>How long to wait for the dispatcher to start (its start-up load grows with the store).</summary>
    public TimeSpan StartTimeout { get; private set; } = TimeSpan.FromMinutes(5);

    /// <summary>startup: an existing seeded store to start on (not seeded, not deleted).</summary>
    public string? Database { get; private set; }

    /// <summary>startup: keep the store it seeded.</summary>
    public bool KeepDatabase { get; private set; }

    public string? ApiDll { get; private set; }

    public string Amqp { get; private set; } =
        Environment.GetEnvironmentVariable("DISPATCHER_RABBITMQ") is { Length: > 0 } url ? url : "amqp://guest:guest@127.0.0.1:5672/";

    public string? Out { get; private set; }

    public Dictionary<string, string> DispatcherEnvironment { get; } = [];

    public string QueueType { get; private set; } = "Classic";

    /// <summary>The dispatcher's <c>Messaging:Ordering</c>.</summary>
    public string Ordering { get; private set; } = "None";

    /// <summary>The declare arguments of every queue of the run.</summary>
    public Dictionary<string, object?>? QueueArguments =>
        QueueType == "Quorum" ? new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } : null;

    // relay
    public string Exchange { get; private set; } = string.Empty;

    public string Queue { get; private set; } = string.Empty;

    public string[] Keys { get; private set; } = [];

    public int Prefetch { get; private set; } = 64;

    public int Concurrency { get; private set; } = 32;

    public int Channels { get; private set; } = 4;

    // report
    public string[] LoadDirectories { get; private set; } = [];

    public string? MicroDirectory { get; private set; }

    public string? Svg { get; private set; }

    public string? Markdown { get; private set; }

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        var i = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            options.Mode = args[0];
            i = 1;
        }

        var eventsSet = false;
        var latencySet = false;
        for (; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--events": options.Events = NextInt(); eventsSet = true; break;
                case "--quick": options.Quick = true; break;
                case "--smoke": options.Smoke = true; break;
                case "--runs": options.Runs = NextInt(); break;
                case "--fanouts": options.FanOuts = Next() is "none" ? [] : args[i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--extra-configs": options.ExtraConfigurations = NextInt(); break;
                case "--latency-seconds": options.LatencySeconds = double.Parse(Next(), CultureInfo.InvariantCulture); latencySet = true; break;
                case "--start-timeout": options.StartTimeout = TimeSpan.FromMinutes(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--db": options.Database = Path.GetFullPath(Next()); break;
                case "--keep-db": options.KeepDatabase = true; break;
                case "--api-dll": options.ApiDll = Next(); break;
                case "--amqp": options.Amqp = Next(); break;
                case "--out": options.Out = Next(); break;
                case "--dispatcher-env":
                    var pair = Next().Split('=', 2);
                    options.DispatcherEnvironment[pair[0]] = pair.Length > 1 ? pair[1] : string.Empty;
                    break;
                case "--queue-type":
                    options.QueueType = Next() switch
                    {
                        "Classic" or "classic" => "Classic",
                        "Quorum" or "quorum" => "Quorum",
                        var other => throw new ArgumentException($"--queue-type must be Classic or Quorum, got '{other}'."),
                    };
                    options.DispatcherEnvironment["Messaging__QueueType"] = options.QueueType;
                    break;
                case "--ordering":
                    options.Ordering = Next() switch
                    {
                        "None" or "none" => "None",
                        "PerRecord" or "perrecord" => "PerRecord",
                        var other => throw new ArgumentException($"--ordering must be None or PerRecord, got '{other}'."),
                    };
                    options.DispatcherEnvironment["Messaging__Ordering"] = options.Ordering;
                    break;
                case "--exchange": options.Exchange = Next(); break;
                case "--queue": options.Queue = Next(); break;
                case "--keys": options.Keys = Next().Split(','); break;
                case "--prefetch": options.Prefetch = NextInt(); break;
                case "--concurrency": options.Concurrency = NextInt(); break;
                case "--channels": options.Channels = NextInt(); break;
                case "--load": options.LoadDirectories = Next().Split(','); break;
                case "--micro": options.MicroDirectory = Next(); break;
                case "--svg": options.Svg = Next(); break;
                case "--md": options.Markdown = Next(); break;
                default: throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        if (options.Smoke)
        {
            options.Events = eventsSet ? options.Events : 300;
            options.LatencySeconds = latencySet ? options.LatencySeconds : 2;
        }
        else if (options.Quick)
        {
            options.Events = eventsSet ? options.Events : 5_000;
            options.LatencySeconds = latencySet ? options.LatencySeconds : 10;
        }

        return options;
    }
}
