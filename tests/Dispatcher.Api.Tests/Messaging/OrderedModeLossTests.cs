using System.Diagnostics;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.RabbitMq;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// Issue #16, item 3(c): with <c>Messaging:Ordering=PerRecord</c> and two real dispatcher processes, the events of one
/// record are dispatched in the order they were received, even when the process doing the work is killed (SIGKILL)
/// mid-stream — 0 lost, duplicates only with the same id, 0 order violations. The control runs the same stream with
/// <c>Ordering=None</c> and shows the same checker finding violations there.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OrderedModeLossTests
{
    private const int Records = 210;
    private const int Updates = 2;
    // Groups published at once right before the kill, so the killed instance dies with work in hand.
    private const int BurstGroups = 6;
    private static readonly TimeSpan GroupInterval = TimeSpan.FromMilliseconds(60);
    private static readonly TimeSpan Overall = TimeSpan.FromSeconds(100);
    private static readonly TimeSpan Reserve = TimeSpan.FromSeconds(8);
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "dispatcher-ordered-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown()
    {
        LossConnections.Url = TestBroker.Url;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A late handle; the temp folder is cleaned by the OS.
        }
    }

    [Test]
    public async Task In_ordered_mode_per_record_order_holds_when_the_active_instance_is_killed_and_nothing_is_lost()
    {
        var result = await RunAsync(_directory, "PerRecord", kill: true, OrderedRunBrokers.Local);

        result.Report.Lost.Should().Be(0, "every dispatch must arrive ({0})", result.Report);
        result.Report.Unknown.Should().Be(0, "duplicates must carry the id of their original ({0})", result.Report);
        result.Report.Violations.Should().Be(0, "per-record order must hold across the kill ({0})", result.Report);
        result.ErrorQueue.Should().BeLessThanOrEqualTo(0, "no event may end in the error queue");
    }

    [Test]
    public async Task In_ordered_mode_per_record_order_holds_when_the_active_instance_is_stopped_gracefully()
    {
        var result = await RunAsync(_directory, "PerRecord", kill: true, OrderedRunBrokers.Local, graceful: true);

        result.Report.Lost.Should().Be(0, "every dispatch must arrive ({0})", result.Report);
        result.Report.Unknown.Should().Be(0, "duplicates must carry the id of their original ({0})", result.Report);
        result.Report.Violations.Should().Be(0, "per-record order must hold across the stop ({0})", result.Report);
        result.ErrorQueue.Should().BeLessThanOrEqualTo(0, "no event may end in the error queue");
    }

    [Test]
    public async Task Without_ordered_mode_two_instances_let_events_of_a_record_overtake_each_other()
    {
        var result = await RunAsync(_directory, "None", kill: false, OrderedRunBrokers.Local);

        result.Report.Lost.Should().Be(0, "every dispatch must arrive ({0})", result.Report);
        result.Report.Violations.Should().BePositive(
            "the checker must see the reordering of competing instances, or it proves nothing ({0})", result.Report);
    }

    /// <summary>
    /// Runs the stream through two dispatcher processes (A started first, so it is the active consumer everywhere) on
    /// <paramref name="brokers"/>; with <paramref name="kill"/>, A is killed right after a burst in the middle.
    /// </summary>
    internal static async Task<(OrderReport Report, long ErrorQueue)> RunAsync(
        string directory, string ordering, bool kill, OrderedRunBrokers brokers, bool graceful = false)
    {
        var test = $"{ordering}{(kill ? graceful ? ", active instance stopped (SIGTERM)" : ", active instance killed" : string.Empty)}{(brokers.QueueType is { } type ? $", {type} queues" : string.Empty)}";
        var clock = Stopwatch.StartNew();
        using var overall = new CancellationTokenSource(Overall);
        LossConnections.Url = brokers.Clients;
        await using var broker = new TestBroker(brokers.Clients);
        var sharedQueue = $"ordered-target-{Guid.NewGuid():N}"[..30];
        // Also opens the broker's own connection, without which its disposal deletes nothing.
        await broker.QueueExistsAsync(sharedQueue);
        const int partitions = 16;
        for (var p = 0; p < partitions; p++)
        {
            broker.Track(Infrastructure.Messaging.Ordering.OrderedPartitioning.QueueName(broker.ServiceQueue, p));
        }

        var (settings, flows, _) = await LossSetup.CreateAsync(broker, Path.Combine(directory, "dispatcher.db"), 1, new Dictionary<string, string?>
        {
            ["Messaging:QueueType"] = brokers.QueueType ?? "Classic",
            ["Messaging:OrderedPartitions"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Messaging:Destination"] = "SharedQueue",
            ["Messaging:SharedQueue"] = sharedQueue,
        });
        // Not for the set-up instance, which runs without a broker.
        settings["Messaging:Ordering"] = ordering;
        var stream = new OrderedStream(Records, Updates, flows);
        var firstPartition = Infrastructure.Messaging.Ordering.OrderedPartitioning.QueueName(broker.ServiceQueue, 0);

        // A first, so it is the active consumer of every queue (single active consumer: the first registered).
        await using var a = DispatcherProcess.Start(new Dictionary<string, string?>(settings) { ["Messaging:RabbitMqUrl"] = brokers.A });
        await using var b = await StartSecondAsync(
            a, new Dictionary<string, string?>(settings) { ["Messaging:RabbitMqUrl"] = brokers.B }, broker, ordering == "PerRecord" ? firstPartition : null);
        var bothReady = clock.Elapsed;
        try
        {
            await using var collector = new LossCollector([sharedQueue], clock);
            collector.Start();
            await using var producer = new LossProducer(broker.Exchange, clock);
            var killGroup = kill ? stream.Groups / 2 : int.MaxValue;
            TimeSpan killedAt = default;
            var backlogAtKill = 0L;
            var activeBefore = string.Empty;
            for (var group = 0; group < stream.Groups; group++)
            {
                if (group == killGroup)
                {
                    activeBefore = await ActiveConsumersAsync(broker.ServiceQueue, brokers);
                    await Task.WhenAll(Enumerable.Range(group, BurstGroups).Select(g => stream.PublishGroupAsync(producer, g, overall.Token)));
                    group += BurstGroups - 1;
                    if (graceful)
                    {
                        // Measured from the signal: the host's graceful stop is part of the hand-over.
                        killedAt = clock.Elapsed;
                        await a.TerminateAsync(TimeSpan.FromSeconds(45));
                    }
                    else
                    {
                        await a.KillAsync();
                        killedAt = clock.Elapsed;
                    }

                    backlogAtKill = await LossConnections.MessageCountAsync(broker.ServiceQueue);
                    continue;
                }

                await stream.PublishGroupAsync(producer, group, overall.Token);
                await Task.Delay(GroupInterval, overall.Token);
            }

            var streamEnd = clock.Elapsed;
            var complete = await collector.WaitForDistinctAsync(stream.Dispatches, Overall - Reserve - clock.Elapsed);
            var received = collector.Received(sharedQueue);
            var report = stream.Check(received.Select(d => d.MessageId));
            var errorQueue = await LossConnections.MessageCountAsync(broker.ServiceQueue + "_error");
            var lines = new List<string>
            {
                $"[ordered] {test}: {Records} records x (CREATE + {Updates} UPDATE) = {stream.Events} events, {stream.Dispatches} dispatches expected into one shared queue",
                $"[ordered]   {report}",
                $"[ordered]   both instances consuming at {bothReady.TotalSeconds:F1} s; stream ended at {streamEnd.TotalSeconds:F1} s; all there: {complete}, last new dispatch at {collector.LastNewIdAt().TotalSeconds:F1} s; error queue {errorQueue}; producer retries {producer.Retries}",
            };
            if (kill)
            {
                var firstAfterKill = stream.FirstEventOf(killGroup + BurstGroups);
                var firstArrivals = received.GroupBy(d => d.MessageId).Select(g => g.First()).ToList();
                var takeOver = firstArrivals.Where(d => d.Event < firstAfterKill).Select(d => d.At).DefaultIfEmpty(killedAt).Max() - killedAt;
                var arrivalsAfterKill = firstArrivals.Select(d => d.At).Where(t => t >= killedAt).Order().Prepend(killedAt).ToList();
                var longestPause = arrivalsAfterKill.Zip(arrivalsAfterKill.Skip(1), (x, y) => y - x).DefaultIfEmpty(TimeSpan.Zero).Max();
                // Before only: the management API's consumer list lags a stop by seconds.
                lines.Add($"[ordered]   active consumers before the stop: {activeBefore}");
                lines.Add($"[ordered]   instance A {(graceful ? "sent SIGTERM" : "killed")} at {killedAt.TotalSeconds:F1} s right after a burst of {BurstGroups * OrderedStream.GroupSize} records, before event {firstAfterKill} (input backlog then {backlogAtKill}); " +
                          $"every dispatch of the events published before the kill there {takeOver.TotalSeconds:F1} s after it; longest pause in new dispatches after the kill {longestPause.TotalSeconds:F1} s");
            }

            foreach (var line in lines)
            {
                await TestContext.Out.WriteLineAsync(line);
                await TestContext.Progress.WriteLineAsync(line);
            }

            return (report, errorQueue);
        }
        catch (Exception)
        {
            await TestContext.Out.WriteLineAsync($"instance A output:{Environment.NewLine}{a.Output}");
            await TestContext.Out.WriteLineAsync($"instance B output:{Environment.NewLine}{b.Output}");
            throw;
        }
    }

    private static async Task WaitUntilReadyAsync(DispatcherProcess process, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"The second dispatcher was not ready within {timeout}.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// For the report: how the active (single-active-consumer) consumers of the input queue and its partition queues
    /// are spread over the broker connections, from the management API, e.g. "input: 1 connection; partitions: 16 on one connection".
    /// </summary>
    private static async Task<string> ActiveConsumersAsync(string inputQueue, OrderedRunBrokers brokers)
    {
        if (brokers != OrderedRunBrokers.Local)
        {
            return "(not asked on the cluster)";
        }

        try
        {
            using var client = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:15672/"), Timeout = TimeSpan.FromSeconds(5) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("guest:guest")));
            var consumers = JsonNode.Parse(await client.GetStringAsync(
                $"api/consumers/{Uri.EscapeDataString(TestBroker.VirtualHost)}"))!.AsArray();
            var active = consumers
                .Where(c => c!["active"]?.GetValue<bool>() == true && c["channel_details"] is JsonObject
                    && c["queue"]!["name"]!.GetValue<string>().StartsWith(inputQueue, StringComparison.Ordinal))
                .Select(c => (Queue: c!["queue"]!["name"]!.GetValue<string>(), Connection: c["channel_details"]!["connection_name"]!.GetValue<string>()))
                .ToList();
            var partitions = active.Where(c => c.Queue.StartsWith(inputQueue + ".ordered-", StringComparison.Ordinal)).GroupBy(c => c.Connection).Select(g => g.Count()).OrderDescending();
            return $"input queue active on {active.Count(c => c.Queue == inputQueue)} consumer(s); partition queues active per connection: {string.Join(" / ", partitions)}";
        }
        catch (Exception e)
        {
            return $"(management API: {e.Message})";
        }
    }

    /// <summary>Waits until A consumes (and, in ordered mode, its partitions too), then starts B and waits until it is ready.</summary>
    private static async Task<DispatcherProcess> StartSecondAsync(
        DispatcherProcess a, Dictionary<string, string?> settings, TestBroker broker, string? partitionQueue)
    {
        try
        {
            await LossConnections.WaitForConsumerAsync(broker.ServiceQueue, TimeSpan.FromSeconds(45));
            if (partitionQueue is not null)
            {
                await LossConnections.WaitForConsumerAsync(partitionQueue, TimeSpan.FromSeconds(30));
            }
        }
        catch (Exception)
        {
            await TestContext.Out.WriteLineAsync($"instance A output:{Environment.NewLine}{a.Output}");
            throw;
        }

        var b = DispatcherProcess.Start(settings);
        try
        {
            // Not the queues' consumer counts: a quorum queue with single active consumer counts only the active one.
            // B's readiness says its endpoint consumes (for a standby: its consumer is registered and waits).
            await WaitUntilReadyAsync(b, TimeSpan.FromSeconds(60));
        }
        catch (Exception)
        {
            await TestContext.Out.WriteLineAsync($"instance B output:{Environment.NewLine}{b.Output}");
            await b.DisposeAsync();
            throw;
        }

        return b;
    }
}

/// <summary>Where the ordered runs' dispatchers A and B and the test's own clients connect, and the queue type (null: classic, the default).</summary>
internal sealed record OrderedRunBrokers(string A, string B, string Clients, string? QueueType)
{
    /// <summary>Everyone on the shared test broker.</summary>
    public static readonly OrderedRunBrokers Local = new(TestBroker.Url, TestBroker.Url, TestBroker.Url, null);
}
