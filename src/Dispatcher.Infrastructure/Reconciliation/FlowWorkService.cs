using Dispatcher.Application.Configurations.Provisioning;
using Microsoft.Extensions.Hosting;

namespace Dispatcher.Infrastructure.Reconciliation;

/// <summary>Runs the <see cref="FlowWorkRunner"/> for the life of the host, so stored flow work is carried out after every start.</summary>
public sealed class FlowWorkService(FlowWorkRunner runner) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => runner.RunAsync(stoppingToken);
}
