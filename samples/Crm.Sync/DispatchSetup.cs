using Dispatcher.Client;
using Microsoft.Extensions.Options;

namespace Crm.Sync;

/// <summary>
/// At start-up: finds the CRM's dispatch configuration by name through Dispatcher.Client, or creates it from
/// <see cref="CrmDispatchPlan"/>, and publishes its flow ids to <see cref="DispatchFlowsState"/>. Retries while the
/// Dispatcher is unreachable.
/// </summary>
public sealed class DispatchSetup(
    IDispatcherClient dispatcher, DispatchFlowsState state, IOptions<CrmSyncOptions> options, ILogger<DispatchSetup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var flows = await EnsureConfigurationAsync(stoppingToken);
                state.Set(flows);
                logger.LogInformation("Dispatch configuration {Id}: source flow {Source}, {Targets} target flows",
                    flows.ConfigurationId, flows.SourceFlowId, flows.Targets.Count);
                return;
            }
            catch (Exception e) when (e is HttpRequestException or DispatcherApiException { Status: >= 500 })
            {
                logger.LogWarning(e, "The Dispatcher is not reachable yet; retrying in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    /// <summary>The configuration named <see cref="CrmSyncOptions.ConfigurationName"/>: the existing one, or a new one.</summary>
    public async Task<CrmDispatchFlows> EnsureConfigurationAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.ConfigurationName;
        var existing = (await dispatcher.ListAsync(cancellationToken)).FirstOrDefault(c => c.Name == name);
        if (existing is not null)
        {
            return CrmDispatchFlows.From(existing);
        }

        var created = await dispatcher.CreateAsync(CrmDispatchPlan.Configuration(name), cancellationToken);
        return CrmDispatchFlows.From(created.Data);
    }
}
