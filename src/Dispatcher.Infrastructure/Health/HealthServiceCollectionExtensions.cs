using Dispatcher.Application.Common.Health;
using Dispatcher.Infrastructure.Messaging;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Health;

/// <summary>Registers the infrastructure's health checks and the error-queue probe.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Adds the checks readiness depends on, each tagged <see cref="HealthChecks.ReadyTag"/>: the store always, the
    /// Flow Repository when <c>FlowRepository:BaseUrl</c> is set, the event-bus endpoint (<see cref="HealthChecks.Broker"/>);
    /// reported without failing readiness: the contract endpoint and, with a broker in queue-per-flow mode, unread
    /// dispatch queues. Also adds the error-queue depth probe when a broker is configured. Settings: section
    /// <c>Health</c> (<see cref="HealthOptions"/>).
    /// </summary>
    public static IHealthChecksBuilder AddDispatcherHealthChecks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HealthOptions>()
            .BindConfiguration(HealthOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.ErrorQueueProbeInterval >= TimeSpan.Zero, $"{HealthOptions.Section}:ErrorQueueProbeInterval must not be negative.")
            .Validate(o => o.DispatchQueueProbeInterval >= TimeSpan.Zero, $"{HealthOptions.Section}:DispatchQueueProbeInterval must not be negative.")
            .Validate(o => Uri.TryCreate(o.FlowRepositoryPath, UriKind.Relative, out _), $"{HealthOptions.Section}:FlowRepositoryPath must be a relative path.")
            .ValidateOnStart();
        // Read now for the registrations; an invalid value is reported by the validation above, not by a registration.
        var timeout = TimeSpan.FromSeconds(configuration.GetValue<double?>($"{HealthOptions.Section}:{nameof(HealthOptions.TimeoutSeconds)}") is { } seconds
            && seconds is >= 0.1 and <= 60 ? seconds : new HealthOptions().TimeoutSeconds);

        var builder = services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>(HealthChecks.Store, tags: [HealthChecks.ReadyTag], timeout: timeout);
        if (!string.IsNullOrWhiteSpace(configuration["FlowRepository:BaseUrl"]))
        {
            services.AddHttpClient(FlowRepositoryHealthCheck.HttpClientName, (provider, client) =>
                    client.Timeout = provider.GetRequiredService<IOptions<HealthOptions>>().Value.Timeout)
                // A probe every few seconds would fill the log with request lines.
                .RemoveAllLoggers();
            builder.AddCheck<FlowRepositoryHealthCheck>(HealthChecks.FlowRepository, tags: [HealthChecks.ReadyTag], timeout: timeout);
        }

        var messaging = configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>() ?? new MessagingOptions();
        builder.Add(new HealthCheckRegistration(
            HealthChecks.Broker,
            provider => new BusEndpointHealthCheck(provider.GetRequiredService<IBusControl>(), messaging.Queue, HealthStatus.Unhealthy, listEndpoints: true),
            HealthStatus.Unhealthy,
            [HealthChecks.ReadyTag, HealthChecks.BusTag],
            timeout));
        builder.Add(new HealthCheckRegistration(
            HealthChecks.Contracts,
            provider => new BusEndpointHealthCheck(provider.GetRequiredService<IBusControl>(), messaging.RecordChangedQueue, HealthStatus.Degraded, listEndpoints: false),
            HealthStatus.Degraded,
            [HealthChecks.ReadyTag],
            timeout));
        if (messaging.UsesRabbitMq)
        {
            services.AddSingleton<ErrorQueueDepthProbe>();
            services.AddHostedService(provider => provider.GetRequiredService<ErrorQueueDepthProbe>());
            services.AddSingleton<DispatchQueueMonitor>();
            services.AddHostedService(provider => provider.GetRequiredService<DispatchQueueMonitor>());
            builder.Add(new HealthCheckRegistration(
                HealthChecks.DispatchQueues,
                provider => provider.GetRequiredService<DispatchQueueMonitor>(),
                HealthStatus.Degraded,
                [HealthChecks.ReadyTag],
                timeout));
        }

        return builder;
    }
}
