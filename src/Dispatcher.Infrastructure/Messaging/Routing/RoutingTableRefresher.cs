using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Messaging.Routing;

/// <summary>
/// Reloads the whole routing table from the store every <see cref="DispatchOptions.RoutingRefreshInterval"/>, on every
/// instance. Change broadcasts keep tables current within a second; this catches what a broadcast can miss (an
/// instance whose queue did not exist yet, a broker outage, a failed announcement).
/// </summary>
public sealed partial class RoutingTableRefresher(
    IServiceScopeFactory scopes,
    RoutingTable table,
    TimeProvider timeProvider,
    IOptions<DispatchOptions> options,
    ILogger<RoutingTableRefresher> logger) : BackgroundService
{
    /// <summary>Reloads every configuration, removes the ones that no longer exist, and returns how many were loaded.</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        // Only what was loaded before the reload started may be removed: a configuration created meanwhile is not
        // in the stream yet but is not gone.
        var before = table.ConfigurationIds.ToHashSet();
        await using var scope = scopes.CreateAsyncScope();
        var repository = scope.ServiceProvider.GetRequiredService<IConfigurationRepository>();
        var loaded = 0;
        await foreach (var configuration in repository.StreamAllAsync(cancellationToken))
        {
            // Every save bumps the version, so an equal version is the state already loaded: skip the rebuild.
            if (table.VersionOf(configuration.Id) != configuration.Version)
            {
                table.Upsert(configuration);
            }

            before.Remove(configuration.Id);
            loaded++;
        }

        foreach (var gone in before)
        {
            table.Remove(gone);
        }

        return loaded;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RoutingRefreshInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(e);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Reloading the routing table failed; retrying at the next interval")]
    private partial void LogRefreshFailed(Exception exception);
}
