using Dispatcher.Domain.Routing;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Application;

/// <summary>The application layer's composition root.</summary>
public static class DependencyInjection
{
    /// <summary>Registers validators and the in-memory routing table.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, includeInternalTypes: true);
        services.AddSingleton<RoutingTable>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
