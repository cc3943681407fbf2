using System.Diagnostics;
using Dispatcher.Application.Abstractions;
using Dispatcher.Domain.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatcher.Infrastructure.Messaging.Routing;

/// <summary>
/// Loads every configuration into the routing table at start-up. Registered before the bus, and hosted services
/// start in order, so no event is consumed before routing knows every configuration.
/// </summary>
public sealed partial class RoutingTableLoader(
    IServiceScopeFactory scopes, RoutingTable table, ILogger<RoutingTableLoader> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var repository = scope.ServiceProvider.GetRequiredService<IConfigurationRepository>();
        var count = 0;
        await foreach (var configuration in repository.StreamAllAsync(cancellationToken))
        {
            table.Upsert(configuration);
            count++;
        }

        LogLoaded(count, table.SourceCount, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Routing table loaded: {Configurations} configuration(s), {Sources} source flow(s) in {Milliseconds:F0} ms")]
    private partial void LogLoaded(int configurations, int sources, double milliseconds);
}
