using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.FlowRepository;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dispatcher.Infrastructure.FlowRegistry;

internal static class FlowProvisioningServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Flow Repository adapter as <see cref="IFlowProvisioner"/> when <c>FlowRepository:BaseUrl</c> is set
    /// (settings: docs/flow-repository.md), else the standalone flow registry. Settings of the latter:
    /// <c>FlowRegistry:Standalone:Path</c> and <c>FlowRegistry:Standalone:TransitionDelay</c>.
    /// </summary>
    public static IServiceCollection AddFlowProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration["FlowRepository:BaseUrl"]))
        {
            return services.AddFlowRepository(configuration);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StandaloneFlowRegistryOptions>()
            .Bind(configuration.GetSection(StandaloneFlowRegistryOptions.SectionName))
            // One data directory: unless set on its own, the registry lives in the embedded store's file.
            .PostConfigure(options => options.Path = string.IsNullOrWhiteSpace(options.Path)
                ? configuration[$"{Persistence.Sqlite.SqliteStorageOptions.SectionName}:Path"]
                : options.Path)
            .Validate(
                options => options.TransitionDelay >= TimeSpan.Zero,
                $"{StandaloneFlowRegistryOptions.SectionName}:TransitionDelay must not be negative.")
            .ValidateOnStart();
        services.TryAddSingleton<StandaloneFlowRegistry>();
        services.AddSingleton<IFlowProvisioner>(provider => provider.GetRequiredService<StandaloneFlowRegistry>());
        return services;
    }
}
