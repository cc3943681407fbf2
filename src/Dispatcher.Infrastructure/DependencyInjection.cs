using Dispatcher.Infrastructure.FlowRegistry;
using Dispatcher.Infrastructure.Messaging;
using Dispatcher.Infrastructure.Reconciliation;
using Dispatcher.Infrastructure.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Infrastructure;

/// <summary>The infrastructure layer's composition root: picks adapters by configuration.</summary>
public static class DependencyInjection
{
    /// <summary>Registers the adapters chosen by <paramref name="configuration"/> (embedded defaults when unset).</summary>
    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddPersistence(configuration);
        services.AddFlowProvisioning(configuration);
        services.AddMessaging(configuration);
        services.AddSingleton<FlowReconcilerService>();
        services.AddHostedService(sp => sp.GetRequiredService<FlowReconcilerService>());
        services.AddHostedService<FlowWorkService>();
        return services;
    }
}
