using Dispatcher.Application.Configurations.Reconciliation;
using Dispatcher.Application.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Reconciliation;

/// <summary>
/// Runs <see cref="FlowReconciler"/> at start-up and every <see cref="ReconcilerOptions.Interval"/>, in the instance
/// that holds the <c>reconciler</c> lease (renewed each round; another instance takes over when it expires).
/// </summary>
public sealed partial class FlowReconcilerService(
    IServiceScopeFactory scopes,
    ILeaseStore leases,
    TimeProvider timeProvider,
    IOptions<ReconcilerOptions> options,
    ILogger<FlowReconcilerService> logger) : BackgroundService
{
    public const string LeaseName = "reconciler";

    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Rounds completed by this instance (for tests and diagnostics).</summary>
    public int Rounds { get; private set; }

    public ReconcileReport? LastReport { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, timeProvider);
        do
        {
            await RunRoundAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await leases.ReleaseAsync(LeaseName, _holder, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReleaseFailed(e);
        }
    }

    private async Task RunRoundAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!await leases.TryAcquireAsync(LeaseName, _holder, options.Value.LeaseDuration, stoppingToken))
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<FlowReconciler>().ReconcileAsync(stoppingToken);
            LastReport = report;
            Rounds++;
            if (report.ChangedAnything || report.Errors > 0)
            {
                LogReport(report.ConfigurationsChecked, report.FlowsListed, report.FlowCalls, report.FlowsRecreated, report.OrphansQueued, report.Errors);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // A failed round (store down, …) must not end the service; the next round tries again.
            LogRoundFailed(e);
        }
    }

    [LoggerMessage(LogLevel.Information, "Reconciled {Configurations} configuration(s) against {Flows} flow(s) in {Calls} Flow Repository call(s): {Recreated} flow(s) provisioned, {Orphans} orphan(s) queued for removal, {Errors} error(s)")]
    private partial void LogReport(int configurations, int flows, int calls, int recreated, int orphans, int errors);

    [LoggerMessage(LogLevel.Error, "A reconciliation round failed")]
    private partial void LogRoundFailed(Exception exception);

    [LoggerMessage(LogLevel.Warning, "Could not release the reconciler lease")]
    private partial void LogReleaseFailed(Exception exception);
}
