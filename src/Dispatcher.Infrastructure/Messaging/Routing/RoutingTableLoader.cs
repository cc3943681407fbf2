using System.Diagnostics;
using Dispatcher.Domain.Routing;
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
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var count = await refresher.RefreshAsync(cancellationToken);
        LogLoaded(count, table.SourceCount, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Routing table loaded: {Configurations} configuration(s), {Sources} source flow(s) in {Milliseconds:F0} ms")]
    private partial void LogLoaded(int configurations, int sources, double milliseconds);
}
