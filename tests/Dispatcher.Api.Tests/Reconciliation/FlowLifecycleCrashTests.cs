using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;

namespace Dispatcher.Api.Tests.Reconciliation;

/// <summary>
/// ADR 0010's promise, tested on the real service as a child process: a dispatcher killed (SIGKILL) while it deletes
/// 2,000 flows — one configuration of 2,000 flows (<c>Limits:MaxConnectionsPerConfiguration</c> raised to 2,000), or
/// four configurations of 500 flows (the default limit, docs/limits.md) deleted at once — right after the
/// <c>DELETE</c>s answered, or in the middle of the requests, leaves nothing
/// behind once a new process runs on the same SQLite file: 0 flows without an owning connection, 0 connections on
/// active sides without their flow, 0 pending flow work. Embedded defaults (SQLite store, standalone flow registry
/// in the same file, in-memory bus); the restarted instance runs the reconciler every 2 s with no orphan grace period.
/// </summary>
/// <remarks>
/// The fourth zero of issue #11, stale activation state and leftover dispatch destinations, cannot be observed from
/// outside with the in-memory bus: destinations are no-ops there and activation state lives only in the process's
/// memory (the killed process's is gone with it; nothing is dispatched afterwards). What the file shows is asserted.
/// </remarks>
[TestFixture]
[NonParallelizable]
public sealed class FlowLifecycleCrashTests
{
    private const string Tenant = "tenant-crash";

    // Either shape holds 2,000 flows, 1,000 of them outbound flows the runner starts.
    private int Configurations => _shape.Configurations;
    private int Apps => _shape.Apps;
    private int OutboundPerApp => _shape.PerSide;
    private int InboundPerApp => _shape.PerSide;
    private int FlowsPerConfiguration => Apps * (OutboundPerApp + InboundPerApp);
    private int OutboundPerConfiguration => Apps * OutboundPerApp;
    private Shape _shape = null!;

    // A configuration that is not deleted, so the invariants have something to hold for after the restart; one more
    // app with switched-off sides holds connections without flows.
    private const int SurvivorApps = 2;
    private const int SurvivorPerSide = 3;

    // Generous: the machine may be loaded. Waits end as soon as their condition holds.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(100);
    private string _directory = null!;

    /// <summary>When the process is killed.</summary>
    public enum KillPoint
    {
        /// <summary>As soon as every <c>DELETE</c> has answered (the runner is removing the flows).</summary>
        AfterTheAnswer,

        /// <summary>
        /// In the middle of the requests: as soon as the first delete has committed (its row is gone from the file),
        /// while the requests still wait for their flow work or are still being written, before any answers.
        /// </summary>
        AfterTheCommitBeforeTheAnswer,
    }

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "dispatcher-lifecycle-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown()
    {
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

    /// <summary>How the 2,000 flows are spread: configurations × apps × (per side outbound + per side inbound).</summary>
    public sealed record Shape(int Configurations, int Apps, int PerSide)
    {
        public static Shape OneOf2000 { get; } = new(1, 20, 50);

        public static Shape FourOf500 { get; } = new(4, 10, 25);

        public override string ToString() => $"{Configurations}x{Apps * PerSide * 2}";
    }

    private static IEnumerable<TestCaseData> Cases() =>
        from shape in new[] { Shape.OneOf2000, Shape.FourOf500 }
        from killPoint in new[] { KillPoint.AfterTheAnswer, KillPoint.AfterTheCommitBeforeTheAnswer }
        select new TestCaseData(shape, killPoint);

    [TestCaseSource(nameof(Cases))]
    public async Task A_dispatcher_killed_while_deleting_2000_flows_leaves_no_flow_connection_or_work_behind_after_a_restart(Shape shape, KillPoint killPoint)
    {
        _shape = shape;
        await RunAsync(killPoint);
    }

    private async Task RunAsync(KillPoint killPoint)
    {
        var clock = Stopwatch.StartNew();
        var database = Path.Combine(_directory, "dispatcher.db");
        var store = new LifecycleStore(database);
        var settings = new Dictionary<string, string?>(TestTokens.JwtSettings)
        {
            ["Storage:Sqlite:Path"] = database,
            ["FlowRegistry:Standalone:Path"] = database,
            ["Messaging:RabbitMqUrl"] = string.Empty,
            ["Reconciler:Enabled"] = "true",
            ["Reconciler:Interval"] = "00:00:02",
            ["Limits:MaxConnectionsPerConfiguration"] = "2000",
            // A killed holder's lease and claims must run out within the test (defaults: 2 minutes each).
            ["Reconciler:LeaseDuration"] = "00:00:05",
            ["Provisioning:WorkClaimDuration"] = "00:00:10",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Dispatcher"] = "Information",
        };

        // The first instance keeps the default orphan grace period: with none, its reconciler would take the flows of
        // a POST still being created (not committed yet) for orphans — what the grace period is for.
        var bigIds = new List<string>();
        string survivorId;
        var first = await DispatcherProcess.StartAnsweringAsync(settings, StartTimeout, embeddedDefaults: true);
        DispatcherProcess? second = null;
        try
        {
            using var client = first.ClientFor(Tenant, TimeSpan.FromMinutes(3));
            survivorId = await CreateAsync(client, LifecycleBodies.Configuration("Survivor", SurvivorApps, SurvivorPerSide, SurvivorPerSide, inactiveApps: 1));
            var posted = clock.Elapsed;
            for (var c = 0; c < Configurations; c++)
            {
                bigIds.Add(await CreateAsync(client, LifecycleBodies.Configuration($"Big {c}", Apps, OutboundPerApp, InboundPerApp)));
            }

            await Progress($"first instance (pid {first.Id}) up; {Configurations} POSTs of {FlowsPerConfiguration} flows answered in " +
                $"{(clock.Elapsed - posted).TotalSeconds:F1} s");

            var started = await WaitUntilAsync(store, s =>
                bigIds.All(id => s.FlowsOf(id) == FlowsPerConfiguration && s.StartedOutboundOf(id) == OutboundPerConfiguration)
                && s.StartedOutboundOf(survivorId) == SurvivorApps * SurvivorPerSide && s.PendingWork == 0, SettleTimeout, "outbound flows started");
            await Progress($"all {Configurations * OutboundPerConfiguration:N0} outbound flows started at {clock.Elapsed.TotalSeconds:F1} s: {started}");

            var deleteOutcome = await DeleteAndKillAsync(killPoint, client, first, store, bigIds);
            var afterKill = await store.ReadAsync();
            var committed = bigIds.Where(id => !afterKill.Configurations.Contains(id)).ToHashSet();
            await Progress($"killed at {clock.Elapsed.TotalSeconds:F1} s: {deleteOutcome}; deletes committed: {committed.Count} of {Configurations}; " +
                $"left: {bigIds.Sum(afterKill.FlowsOf):N0} flow(s) of the {Configurations} configurations, {afterKill.PendingWork:N0} pending flow work");
            committed.Should().NotBeEmpty("at least one delete was committed before the kill");

            settings["Reconciler:OrphanGracePeriod"] = "00:00:00";
            var restarted = clock.Elapsed;
            second = await DispatcherProcess.StartAnsweringAsync(settings, StartTimeout, embeddedDefaults: true);
            await Progress($"second instance (pid {second.Id}) answering {(clock.Elapsed - restarted).TotalSeconds:F1} s after the restart");

            await WaitUntilAsync(store, s => s.Clean && s.Lease?.HeldBy(second.Id) == true, SettleTimeout, "the runner has drained the work");
            var drained = clock.Elapsed;
            // Then one whole reconciler round that started after that point, and the store clean again after it.
            await WaitForReconcilerRoundsAsync(store, second.Id, rounds: 2, SettleTimeout);
            var final = await WaitUntilAsync(store, s => s.Clean, SettleTimeout, "clean after a full reconciler round");
            await Progress($"clean {(drained - restarted).TotalSeconds:F1} s after the restart; after a full reconciler round at " +
                $"{clock.Elapsed.TotalSeconds:F1} s: {final}");

            final.UnownedFlows.Should().BeEmpty("no flow may be left without an owning connection");
            final.ActiveConnectionsWithoutFlow.Should().BeEmpty("every connection of an active side must have its flow");
            final.PendingWork.Should().Be(0, "no flow work may be left");
            final.FlowsOf(survivorId).Should().Be(SurvivorApps * SurvivorPerSide * 2, "the other configuration keeps its flows");
            final.StartedOutboundOf(survivorId).Should().Be(SurvivorApps * SurvivorPerSide, "its outbound flows keep running");
            using var check = second.ClientFor(Tenant, TimeSpan.FromSeconds(30));
            foreach (var id in bigIds)
            {
                if (committed.Contains(id))
                {
                    final.FlowsOf(id).Should().Be(0, "every flow of a deleted configuration is removed");
                }
                else
                {
                    final.FlowsOf(id).Should().Be(FlowsPerConfiguration, "a delete that never committed leaves the configuration and its flows as they were");
                    final.StartedOutboundOf(id).Should().Be(OutboundPerConfiguration);
                }

                using var get = await check.GetAsync(new Uri($"/dispatches/{id}", UriKind.Relative));
                get.StatusCode.Should().Be(committed.Contains(id) ? HttpStatusCode.NotFound : HttpStatusCode.OK, "the API agrees with the file");
            }

            await Progress($"done at {clock.Elapsed.TotalSeconds:F1} s");
        }
        catch (Exception)
        {
            await TestContext.Out.WriteLineAsync($"first instance output:{Environment.NewLine}{first.Output}");
            if (second is not null)
            {
                await TestContext.Out.WriteLineAsync($"second instance output:{Environment.NewLine}{second.Output}");
            }

            throw;
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    /// <summary>Sends <c>DELETE</c> for every one of <paramref name="ids"/> at once and kills the process at <paramref name="killPoint"/>; says what happened.</summary>
    private static async Task<string> DeleteAndKillAsync(
        KillPoint killPoint, HttpClient client, DispatcherProcess process, LifecycleStore store, IReadOnlyList<string> ids)
    {
        var paths = ids.Select(id => new Uri($"/dispatches/{id}", UriKind.Relative)).ToList();
        var watch = Stopwatch.StartNew();
        if (killPoint == KillPoint.AfterTheAnswer)
        {
            var responses = await Task.WhenAll(paths.Select(async path =>
            {
                using var response = await client.DeleteAsync(path);
                var pending = response.StatusCode == HttpStatusCode.OK
                    ? (await response.Content.ReadFromJsonAsync<JsonNode>())?["meta"]?["pendingCleanup"]?.AsArray().Count ?? 0
                    : -1;
                return (response.StatusCode, Pending: pending, Elapsed: watch.Elapsed);
            }));
            await process.KillAsync();
            responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
            return $"{ids.Count} DELETEs answered within {responses.Max(r => r.Elapsed).TotalMilliseconds:F0} ms with " +
                $"{responses.Sum(r => r.Pending):N0} pending cleanup(s); killed right after";
        }

        // Warm connections, so the requests reach the service at once.
        await Task.WhenAll(paths.Select(async path => (await client.GetAsync(path)).EnsureSuccessStatusCode()));
        var deletes = paths.Select(path => client.DeleteAsync(path)).ToList();
        // Polled without pause: the kill lands while the requests wait (up to Provisioning:AnswerWait) for their work.
        var seen = await store.WaitForDeleteCommitAsync(ids, Task.WhenAny(deletes), TimeSpan.FromSeconds(60));
        await process.KillAsync();
        var answered = 0;
        foreach (var delete in deletes)
        {
            try
            {
                using var response = await delete;
                answered++;
            }
            catch (HttpRequestException)
            {
                // Cut off by the kill.
            }
        }

        return $"{(seen ? "killed as soon as the first delete was committed" : "no commit seen before the first answer")}, " +
            $"{watch.Elapsed.TotalMilliseconds:F0} ms after sending; {answered} of {ids.Count} DELETEs had answered";
    }

    private static async Task<string> CreateAsync(HttpClient client, JsonObject body)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/dispatches", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, text.Length > 2000 ? text[..2000] : text);
        return JsonNode.Parse(text)!["data"]!["id"]!.GetValue<string>();
    }

    /// <summary>Reads the store until <paramref name="condition"/> holds; fails with the last reading after <paramref name="timeout"/>.</summary>
    private static async Task<LifecycleSnapshot> WaitUntilAsync(
        LifecycleStore store, Func<LifecycleSnapshot, bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var snapshot = await store.ReadAsync();
            if (condition(snapshot))
            {
                return snapshot;
            }

            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"Not reached within {timeout}: {what}. Last reading: {snapshot}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Waits until the reconciler lease of <paramref name="processId"/> has been taken <paramref name="rounds"/> more
    /// times than when called: each round renews it first, so the second renewal seen means a round that started after
    /// this call has finished.
    /// </summary>
    private static async Task WaitForReconcilerRoundsAsync(LifecycleStore store, int processId, int rounds, TimeSpan timeout)
    {
        var initial = await store.ReadAsync();
        var last = initial.Lease is { } lease && lease.HeldBy(processId) ? lease.ExpiresAt : (long?)null;
        var seen = 0;
        await WaitUntilAsync(store, s =>
        {
            if (s.Lease is { } current && current.HeldBy(processId) && (last is null || current.ExpiresAt > last))
            {
                last = current.ExpiresAt;
                seen++;
            }

            return seen >= rounds;
        }, timeout, $"{rounds} reconciler lease renewals by process {processId}");
    }

    private static Task Progress(string line) => TestContext.Progress.WriteLineAsync($"[lifecycle-crash] {line}");
}
