using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Reconciliation;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Dispatching.DispatchRecordEvent;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Routing;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dispatcher.Application;

/// <summary>The application layer's composition root.</summary>
public static class DependencyInjection
{
    /// <summary>Registers validators and the in-memory routing table.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        // Validators that need constructor arguments (e.g. a side's direction) are building blocks, not services.
        services.AddValidatorsFromAssembly(
            typeof(DependencyInjection).Assembly,
            filter: result => result.ValidatorType.GetConstructor(Type.EmptyTypes) is not null,
            includeInternalTypes: true);
        services.AddSingleton<RoutingTable>();
        services.AddSingleton<IRoutingEngine>(provider => provider.GetRequiredService<RoutingTable>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<FlowProvisioningOptions>()
            .BindConfiguration(FlowProvisioningOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ConfigurationLimitOptions>()
            .BindConfiguration(ConfigurationLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ConfigurationLimits>();
        services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReconcilerOptions>().BindConfiguration(ReconcilerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DispatcherMetrics>();
        services.AddSingleton<FlowActivation>();
        services.AddSingleton<DispatchRecordEventHandler.DispatchLedger>();
        services.TryAddSingleton(IDispatchNotifier.None);
        services.AddSingleton<FlowWorkRunner>();
        services.AddSingleton<FlowStopClock>();
        services.AddScoped<FlowProvisioning>();
        services.AddScoped<FlowRemover>();
        services.AddScoped<FlowWorkExecutor>();
        services.AddScoped<ConfigurationWriter>();
        services.AddScoped<FlowReconciler>();
        return services;
    }
}
