using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>
/// Commits configuration changes. A save first creates the flows new connections need (the answer carries their
/// ids), then stores the change together with the flow work its domain events imply (<see cref="FlowWorkPlan"/>) in
/// one atomic write, updates routing, and lets <see cref="FlowWorkRunner"/> carry the work out — waiting for it at
/// most <see cref="FlowProvisioningOptions.AnswerWait"/>. Whatever happens to the caller or the process after the
/// write, the stored work is done by the runner, now or after a restart. Every write, from the API or the
/// reconciler, ends here.
/// </summary>
public sealed partial class ConfigurationWriter(
    IConfigurationRepository repository,
    FlowProvisioning provisioning,
    RoutingTable routingTable,
    IConfigurationChangeNotifier notifier,
    FlowWorkRunner runner,
    TimeProvider timeProvider,
    IOptions<FlowProvisioningOptions> options,
    ILogger<ConfigurationWriter> logger)
{
    /// <summary>Saves a new or changed configuration with its flow consequences.</summary>
    public async Task<ConfigurationChangeResult> SaveAsync(
        Configuration configuration, FlowCallContext context, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var created = await provisioning.ProvisionMissingAsync(configuration, context, cancellationToken);
        var work = FlowWorkPlan.For(configuration, timeProvider.GetUtcNow());
        using var watch = runner.Watch(work);
        try
        {
            if (configuration.Version == 0)
            {
                await repository.AddAsync(configuration, work, cancellationToken);
            }
            else
            {
                await repository.UpdateAsync(configuration, work, cancellationToken);
            }
        }
        catch
        {
            await provisioning.RollbackAsync(configuration, created);
            throw;
        }

        configuration.ClearDomainEvents();
        routingTable.Upsert(configuration);
        var pending = await AfterCommitAsync(configuration, deleted: false, watch, started);
        return new ConfigurationChangeResult(configuration.ToDto(), pending);
    }

    /// <summary>Deletes a configuration; its flows are removed by the runner.</summary>
    public async Task<ConfigurationChangeResult> DeleteAsync(Configuration configuration, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        configuration.MarkDeleted();
        var work = FlowWorkPlan.For(configuration, timeProvider.GetUtcNow());
        using var watch = runner.Watch(work);
        await repository.DeleteAsync(configuration, work, cancellationToken);
        configuration.ClearDomainEvents();
        routingTable.Remove(configuration.Id);
        var pending = await AfterCommitAsync(configuration, deleted: true, watch, started);
        return new ConfigurationChangeResult(null, pending);
    }

    // Committed: from here on nothing depends on the caller's request.
    private async Task<IReadOnlyList<string>> AfterCommitAsync(
        Configuration configuration, bool deleted, FlowWorkRunner.WorkWatch watch, long started)
    {
        try
        {
            await notifier.NotifyAsync(configuration, deleted, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Including the notifier's own timeout: the change is stored and this instance is up to date; other
            // instances catch up with their periodic routing refresh. Failing here would answer 500 for a saved change.
            LogNotifyFailed(e, configuration.Id.Value);
        }

        var left = options.Value.AnswerWait - timeProvider.GetElapsedTime(started);
        var pending = await watch.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        return [.. pending.Select(flowId => flowId.Value)];
    }

    [LoggerMessage(LogLevel.Warning, "Could not announce the change of configuration {ConfigurationId} to other instances")]
    private partial void LogNotifyFailed(Exception exception, string configurationId);
}
