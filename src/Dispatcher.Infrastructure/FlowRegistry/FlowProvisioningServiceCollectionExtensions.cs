using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Infrastructure.FlowRegistry;

/// <summary>Registers the flow provisioner chosen by configuration.</summary>
internal static class FlowProvisioningServiceCollectionExtensions
{
    // Placeholder: replaced by the standalone registry registration.
    public static IServiceCollection AddFlowProvisioning(this IServiceCollection services, IConfiguration configuration) => services;
}
