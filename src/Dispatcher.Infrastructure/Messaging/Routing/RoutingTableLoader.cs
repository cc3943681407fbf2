using System.Diagnostics;
using Dispatcher.Application.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatcher.Infrastructure.Messaging.Routing;

/// <summary>
/// Loads every configuration into the routing table at start-up. Registered before the bus, and hosted services
/// start in order, so no event is consumed before routing knows every configuration. The load is the same as the
/// periodic reload (<see cref="RoutingTableRefresher"/>), done once before anything else.
/// </summary>
public sealed partial class RoutingTableLoader(
    RoutingTableRefresher refresher, RoutingTable table, ILogger<RoutingTableLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var collections = GC.CollectionCount(0);
        var paused = GC.GetTotalPauseDuration();
        var count = await refresher.RefreshAsync(cancellationToken);
        collections = GC.CollectionCount(0) - collections;
        paused = GC.GetTotalPauseDuration() - paused;
        // Loading allocated many times the table's size in short-lived objects. No event is consumed yet, so this is
        // the one moment a full compacting collection costs nobody anything, and it hands the memory back to the OS.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var memory = GC.GetGCMemoryInfo();
        LogLoaded(
            count, table.SourceCount, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            memory.HeapSizeBytes / (1024 * 1024), Environment.WorkingSet / (1024 * 1024), collections, paused.TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The memory figures (managed heap at the last GC, process working set) let operators size for their tables; the
    // collections during the load (any generation counts in gen 0's number) and their pauses show what it spent on GC.
    [LoggerMessage(LogLevel.Information,
        "Routing table loaded: {Configurations} configuration(s), {Sources} source flow(s) in {Milliseconds:F0} ms; managed heap {HeapMegabytes} MB, working set {WorkingSetMegabytes} MB; {Collections} garbage collection(s) during the load, {PauseMilliseconds:F0} ms paused")]
    private partial void LogLoaded(
        int configurations, int sources, double milliseconds, long heapMegabytes, long workingSetMegabytes, int collections, double pauseMilliseconds);
}
