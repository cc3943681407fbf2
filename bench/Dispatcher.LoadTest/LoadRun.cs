using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RabbitMQ.Client;

namespace Dispatcher.LoadTest;

/// <summary>
/// The end-to-end benchmark: for each fan-out, the baseline relay and then the dispatcher (adjacent in time, so both
/// see the same machine noise), each warmed up and then flooded with N events; the dispatcher at fan-out 3 also with
/// many configurations loaded, and at half its saturating rate for latency. Every dispatch is counted at its queue.
/// </summary>
public sealed class LoadRun(LoadOptions options)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly string _tag = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
    // Absolute: the dispatcher runs in its own folder and gets the store's path from here.
    private readonly string _out = Path.GetFullPath(options.Out ?? Path.Combine("artifacts", "bench", $"load-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
    private IConnection _publishConnection = null!;
    private IConnection _collectConnection = null!;
    private volatile string? _disturbance;

    public async Task<int> RunAsync()
    {
        var apiDll = options.ApiDll ?? Path.Combine("src", "Dispatcher.Api", "bin", "Release", "net10.0", "Dispatcher.Api.dll");
        if (!File.Exists(apiDll))
        {
            Console.Error.WriteLine($"The dispatcher is not built: {apiDll} (dotnet build src/Dispatcher.Api -c Release).");
            return 2;
        }

        Directory.CreateDirectory(_out);
        var factory = new ConnectionFactory { Uri = new Uri(options.Amqp) };
        _publishConnection = await ConnectAsync(factory, "bench-publisher");
        _collectConnection = await ConnectAsync(factory, "bench-collector");
        foreach (var connection in (IConnection[])[_publishConnection, _collectConnection])
        {
            // Other work on this machine may restart the shared broker; a scenario that saw that is measured again.
            connection.ConnectionShutdownAsync += (_, e) =>
            {
                _disturbance ??= $"broker connection closed: {e.ReplyText} ({e.Initiator})";
                return Task.CompletedTask;
            };
        }

        var file = new RunFile
        {
            StartedAt = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            Mode = options.Smoke ? "smoke" : options.Quick ? "quick" : "default",
            Events = options.Events,
            Machine = Machine(),
        };
        Console.WriteLine($"load test: {file.Mode}, {options.Events} events per scenario, {options.Runs} run(s); results in {_out}");
        Console.WriteLine(file.Machine);

        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var scenario in Scenarios())
            {
                var result = new ScenarioResult();
                for (var attempt = 1; ; attempt++)
                {
                    await WaitForBrokerAsync();
                    var disturbances = result.Disturbances;
                    result = new ScenarioResult
                    {
                        System = scenario.System, Run = run, FanOut = scenario.FanOut, ExtraConfigurations = scenario.Extra,
                        Attempts = attempt, Disturbances = disturbances, LoadAverageBefore = LoadAverage(),
                    };
                    _disturbance = null;
                    try
                    {
                        if (scenario.System == "relay")
                        {
                            await RelayScenarioAsync(result);
                        }
                        else
                        {
                            await DispatcherScenarioAsync(result, apiDll, scenario.HalfRate);
                        }
                    }
                    catch (Exception e)
                    {
                        result.Error = e.ToString();
                        Console.Error.WriteLine($"  {scenario.System} fan-out {scenario.FanOut}: FAILED {e.Message}");
                    }

                    if (_disturbance is not { } disturbance || attempt == 3)
                    {
                        if (_disturbance is { } last)
                        {
                            result.Error ??= $"Disturbed three times; last: {last}";
                        }

                        break;
                    }

                    Console.Error.WriteLine($"  {scenario.System} fan-out {scenario.FanOut}: disturbed ({disturbance}); measuring again");
                    result.Disturbances.Add(disturbance);
                }

                result.LoadAverageAfter = LoadAverage();
                file.Scenarios.Add(result);
                Print(result);
                await File.WriteAllTextAsync(Path.Combine(_out, "results.json"), JsonSerializer.Serialize(file, Json));
            }
        }

        await _publishConnection.DisposeAsync();
        await _collectConnection.DisposeAsync();

        var failures = file.Scenarios.Where(s => s.Error is not null || s.Lost > 0 || s.HalfRateLost > 0).ToList();
        foreach (var failure in failures)
        {
            Console.Error.WriteLine(
                $"FAILED: {failure.System} fan-out {failure.FanOut} (+{failure.ExtraConfigurations} configurations): " +
                (failure.Error is not null ? failure.Error.Split('\n')[0] : $"{failure.Lost + (failure.HalfRateLost ?? 0)} dispatch(es) lost"));
        }

        Console.WriteLine(failures.Count == 0
            ? $"load test passed: {file.Scenarios.Count} scenario(s), no dispatch lost"
            : $"load test FAILED: {failures.Count} scenario(s) broke or lost dispatches");
        return failures.Count == 0 ? 0 : 1;
    }

    private IEnumerable<(string System, int FanOut, int Extra, bool HalfRate)> Scenarios()
    {
        if (options.Smoke)
        {
            // Seconds, not minutes: each path of the harness once (relay, dispatcher, seeded store, rate-limited phase).
            yield return ("relay", 3, 0, false);
            yield return ("dispatcher", 3, 0, true);
            yield return ("dispatcher", 10, 0, false);
            yield return ("dispatcher", 3, 1_000, false);
            yield break;
        }

        foreach (var fanOut in options.FanOuts)
        {
            yield return ("relay", fanOut, 0, false);
            yield return ("dispatcher", fanOut, 0, fanOut == 3);
        }

        if (options.ExtraConfigurations > 0)
        {
            yield return ("dispatcher", 3, options.ExtraConfigurations, false);
        }
    }

    private async Task DispatcherScenarioAsync(ScenarioResult result, string apiDll, bool halfRate)
    {
        var name = $"bench-{_tag}-r{result.Run}-d{result.FanOut}-c{result.ExtraConfigurations}";
        await using var host = new DispatcherHost(apiDll, Path.Combine(_out, name), options.Amqp, name, options.DispatcherEnvironment, options.StartTimeout);
        var queues = new List<string>();
        try
        {
            await host.StartAsync(() => WaitForQueueAsync(host.ServiceQueue));
            var probe = await host.CreateProbeAsync(result.FanOut);
            queues.AddRange(probe.TargetFlowIds.Select(f => $"dispatch.{f}"));
            if (result.ExtraConfigurations > 0)
            {
                await host.StopAsync();
                result.SeedSeconds = Seeder.Seed(host.DatabasePath, result.ExtraConfigurations).TotalSeconds;
                await host.StartAsync(() => WaitForQueueAsync(host.ServiceQueue));
            }

            // Without seeding the store is empty at start and the benchmark configuration arrives through the API; after
            // seeding, the restart must have loaded every stored configuration (the seeded ones and the API's one).
            var expected = result.ExtraConfigurations > 0 ? result.ExtraConfigurations + 1 : 0;
            if (host.LoadedConfigurations != expected)
            {
                throw new InvalidOperationException(
                    $"The dispatcher loaded {host.LoadedConfigurations} configuration(s) at start, expected {expected}.");
            }

            result.LoadedConfigurations = result.ExtraConfigurations + 1;

            await DeclareQueuesAsync(queues);
            await MeasureAsync(result, host.Process!, host.Exchange, queues, probe, halfRate);
        }
        finally
        {
            await host.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(host.DatabasePath)!, "dispatcher.db*"))
            {
                File.Delete(file);
            }

            await CleanupAsync(
                [.. queues, host.ServiceQueue, $"{host.ServiceQueue}_error", $"{host.ServiceQueue}_skipped",
                    $"{host.ServiceQueue}-record-changed", $"{host.ServiceQueue}-record-changed_error", $"{host.ServiceQueue}-record-changed_skipped",
                    .. Enumerable.Range(0, options.Ordering == "PerRecord" ? 16 : 0).Select(p => $"{host.ServiceQueue}.ordered-{p:D2}")],
                [host.Exchange]);
        }
    }

    private async Task RelayScenarioAsync(ScenarioResult result)
    {
        var name = $"bench-{_tag}-r{result.Run}-relay{result.FanOut}";
        var directory = Path.Combine(_out, name);
        Directory.CreateDirectory(directory);
        var exchange = $"{name}-event-bus";
        var input = $"{name}-in";
        var keys = Enumerable.Range(1, result.FanOut).Select(i => $"dispatch.{name}-target{i}").ToArray();
        var queues = keys.ToList();
        try
        {
            await using (var channel = await _publishConnection.CreateChannelAsync())
            {
                await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false);
                await channel.QueueDeclareAsync(input, durable: true, exclusive: false, autoDelete: false, arguments: options.QueueArguments);
                await channel.QueueBindAsync(input, exchange, EventBody.CreatedEvent);
                foreach (var key in keys)
                {
                    await channel.QueueDeclareAsync(key, durable: true, exclusive: false, autoDelete: false, arguments: options.QueueArguments);
                    await channel.QueueBindAsync(key, exchange, key);
                }
            }

            var (file, prefix) = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) != "dotnet"
                ? (path, Array.Empty<string>())
                : ("dotnet", [typeof(LoadRun).Assembly.Location]);
            await using var relay = ChildProcess.Start(
                file,
                [.. prefix, "relay", "--amqp", options.Amqp, "--exchange", exchange, "--queue", input, "--keys", string.Join(',', keys)],
                new Dictionary<string, string>(),
                Environment.CurrentDirectory,
                Path.Combine(directory, "relay.log"));
            await relay.WaitForLineAsync(line => line == "relay ready", TimeSpan.FromSeconds(60));
            var probe = new ProbeConfiguration("relay-source", "bench-source", keys, keys.Select((_, i) => $"bench-target-{i + 1}").ToList());
            await MeasureAsync(result, relay, exchange, queues, probe, halfRate: false);
        }
        finally
        {
            await CleanupAsync([.. queues, input], [exchange]);
        }
    }

    private async Task MeasureAsync(
        ScenarioResult result, ChildProcess process, string exchange, List<string> queues, ProbeConfiguration probe, bool halfRate)
    {
        var events = options.Events;
        var warmCount = Math.Clamp(events / 10, 20, 1_000);
        var halfMax = 200_000;
        var warm = new Phase("warm-up", 0, warmCount);
        var saturate = new Phase("saturating", warmCount, events);
        var half = new Phase("half-rate", warmCount + events, halfMax);
        var idle = TimeSpan.FromSeconds(options.Smoke ? 20 : 60);
        await using var collector = await Collector.StartAsync(_collectConnection, queues, [warm, saturate, half]);
        await using var channel = await _publishConnection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var publisher = new Publisher(channel, exchange, probe.SourceFlowId, probe.SourceAppUid, probe.TargetAppUids);

        await publisher.SaturateAsync(warm, CancellationToken.None);
        var warmComplete = await collector.WaitForAsync(warm, idle);
        result.Lost += warm.Count * queues.Count - collector.Unique(warm);
        if (!warmComplete)
        {
            throw new InvalidOperationException($"Warm-up incomplete: {string.Join("; ", collector.Missing(warm))}");
        }

        var cpuBefore = process.CpuSeconds();
        var brokerBefore = HostCpu.BrokerSeconds();
        var machineBefore = HostCpu.MachineSeconds();
        var started = await publisher.SaturateAsync(saturate, CancellationToken.None);
        await collector.WaitForAsync(saturate, idle);
        var cpuAfter = process.CpuSeconds();
        var brokerAfter = HostCpu.BrokerSeconds();
        var machineAfter = HostCpu.MachineSeconds();
        var unique = collector.Unique(saturate);
        result.Events = events;
        result.ExpectedDispatches = events * queues.Count;
        result.UniqueDispatches = unique;
        result.Lost += result.ExpectedDispatches - unique;
        result.Seconds = (collector.LastArrival(saturate) - started) / (double)Stopwatch.Frequency;
        result.EventsPerSecond = events / result.Seconds;
        result.DispatchesPerSecond = unique / result.Seconds;
        (result.P50Ms, result.P95Ms, result.P99Ms, result.MaxMs) = collector.Latency(saturate);
        result.CpuSeconds = cpuAfter - cpuBefore;
        result.CpuCores = result.CpuSeconds / result.Seconds;
        result.CpuMicrosecondsPerEvent = result.CpuSeconds * 1e6 / events;
        result.BrokerCpuMicrosecondsPerEvent = (brokerAfter - brokerBefore) * 1e6 / events;
        result.MachineCpuMicrosecondsPerEvent = (machineAfter - machineBefore) * 1e6 / events;
        if (unique < result.ExpectedDispatches)
        {
            Console.Error.WriteLine($"  lost: {string.Join("; ", collector.Missing(saturate))}");
        }

        if (halfRate && unique == result.ExpectedDispatches)
        {
            var rate = result.EventsPerSecond / 2;
            var count = (long)Math.Clamp(rate * options.LatencySeconds, 20, halfMax);
            var phase = new Phase("half-rate", half.FirstSeq, count);
            await publisher.RateLimitedAsync(phase, rate, CancellationToken.None);
            await collector.WaitForAsync(phase, idle);
            result.HalfRateEventsPerSecond = rate;
            result.HalfRateEvents = count;
            result.HalfRateLost = count * queues.Count - collector.Unique(phase);
            var latency = collector.Latency(phase);
            (result.HalfRateP50Ms, result.HalfRateP95Ms, result.HalfRateP99Ms, result.HalfRateMaxMs) = (latency.P50, latency.P95, latency.P99, latency.Max);
        }

        (result.PeakRssBytes, result.RssBytes) = process.Memory();
        result.Duplicates = collector.Duplicates;
    }

    private static async Task<IConnection> ConnectAsync(ConnectionFactory factory, string name)
    {
        // The broker may be restarting (other work on this machine restarts it): wait for it a while.
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await factory.CreateConnectionAsync(name);
            }
            catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException) when (watch.Elapsed < TimeSpan.FromMinutes(3))
            {
                Console.Error.WriteLine("  broker unreachable; retrying");
                await Task.Delay(2000);
            }
        }
    }

    private async Task WaitForBrokerAsync()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var channel = await _publishConnection.CreateChannelAsync();
                await using var collect = await _collectConnection.CreateChannelAsync();
                return;
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException
                                          && watch.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(1000);
            }
        }
    }

    private async Task WaitForQueueAsync(string queue)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var channel = await _publishConnection.CreateChannelAsync();
                await channel.QueueDeclarePassiveAsync(queue);
                return;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) when (watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task DeclareQueuesAsync(IEnumerable<string> queues)
    {
        // The dispatcher's own flags (durable, not exclusive, not auto-delete, its queue type): declaring first is
        // harmless and lets the collector consume before the first dispatch.
        await using var channel = await _publishConnection.CreateChannelAsync();
        foreach (var queue in queues)
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: options.QueueArguments);
        }
    }

    private async Task CleanupAsync(IEnumerable<string> queues, IEnumerable<string> exchanges)
    {
        foreach (var name in queues)
        {
            try
            {
                await using var channel = await _publishConnection.CreateChannelAsync();
                await channel.QueueDeleteAsync(name);
                await channel.ExchangeDeleteAsync(name);
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.AlreadyClosedException)
            {
                // Best effort: names are unique per scenario.
            }
        }

        foreach (var exchange in exchanges)
        {
            try
            {
                await using var channel = await _publishConnection.CreateChannelAsync();
                await channel.ExchangeDeleteAsync(exchange);
            }
            catch (Exception e) when (e is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.AlreadyClosedException)
            {
                // Best effort.
            }
        }
    }

    private static void Print(ScenarioResult r)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"  run {r.Run} {r.System,-10} fan-out {r.FanOut,2} configs +{r.ExtraConfigurations,-6} " +
            $"{r.EventsPerSecond,8:F0} ev/s {r.DispatchesPerSecond,8:F0} disp/s  p50/p95/p99 {r.P50Ms:F1}/{r.P95Ms:F1}/{r.P99Ms:F1} ms  " +
            $"cpu {r.CpuCores:F2} cores {r.CpuMicrosecondsPerEvent:F0} µs/ev (broker {r.BrokerCpuMicrosecondsPerEvent:F0}, machine {r.MachineCpuMicrosecondsPerEvent:F0})  peak {r.PeakRssBytes / 1048576.0:F0} MB  lost {r.Lost} dup {r.Duplicates}");
        if (r.HalfRateEventsPerSecond is { } rate)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"\n    half rate {rate:F0} ev/s: p50/p95/p99 {r.HalfRateP50Ms:F1}/{r.HalfRateP95Ms:F1}/{r.HalfRateP99Ms:F1} ms, lost {r.HalfRateLost}");
        }

        Console.WriteLine(line);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : string.Empty;

    /// <summary>Cores, memory and CPU model, as <c>nproc</c>, <c>free</c> and <c>/proc/cpuinfo</c> say.</summary>
    public static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"cores={Environment.ProcessorCount} memory={memory} cpu={model} os={System.Runtime.InteropServices.RuntimeInformation.OSDescription} " +
               $".NET={Environment.Version}";
    }
}
