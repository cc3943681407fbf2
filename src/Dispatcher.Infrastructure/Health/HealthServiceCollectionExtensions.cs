using Dispatcher.Infrastructure.Messaging;
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
    /// Flow Repository when <c>FlowRepository:BaseUrl</c> is set. The bus check (the broker's live connection state,
    /// or the in-memory bus) is MassTransit's own, added by <c>AddMassTransit</c>. Also adds the error-queue depth
    /// probe when a broker is configured. Settings: section <c>Health</c> (<see cref="HealthOptions"/>).
    /// </summary>
    public static IHealthChecksBuilder AddDispatcherHealthChecks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HealthOptions>()
            .BindConfiguration(HealthOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.ErrorQueueProbeInterval >= TimeSpan.Zero, $"{HealthOptions.Section}:ErrorQueueProbeInterval must not be negative.")
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

        if (!string.IsNullOrWhiteSpace(configuration[$"{MessagingOptions.Section}:{nameof(MessagingOptions.RabbitMqUrl)}"]))
        {
            services.AddSingleton<ErrorQueueDepthProbe>();
            services.AddHostedService(provider => provider.GetRequiredService<ErrorQueueDepthProbe>());
        }

        return builder;
    }
}
