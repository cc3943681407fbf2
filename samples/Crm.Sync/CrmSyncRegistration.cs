using MassTransit;
using Microsoft.Extensions.Options;

namespace Crm.Sync;

public static class CrmSyncRegistration
{
    /// <summary>The whole worker: its services, the dispatch setup at start-up, and MassTransit on RabbitMQ.</summary>
    public static IServiceCollection AddCrmSync(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(CrmSyncOptions.Section).Get<CrmSyncOptions>() ?? new CrmSyncOptions();
        services.AddCrmSyncServices(configuration);
        services.AddHostedService<DispatchSetup>();
        services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            bus.AddCrmSyncConsumers(options.Queue);
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(options.RabbitMqUrl ?? throw new InvalidOperationException("CrmSync:RabbitMqUrl is not set.")));
                cfg.ConfigureEndpoints(context);
            });
        });
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        return services;
    }

    /// <summary>The worker's services without a bus (the unit tests put them on MassTransit's test harness).</summary>
    public static IServiceCollection AddCrmSyncServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CrmSyncOptions>().Bind(configuration.GetSection(CrmSyncOptions.Section));
        services.AddSingleton<DispatchFlowsState>();
        services.AddSingleton<PartnerInbox>();
        services.AddSingleton<IPartnerDelivery>(sp => sp.GetRequiredService<PartnerInbox>());
        services.AddSingleton<CrmChangePublisher>();
        // The Dispatcher's REST API, with the CRM team's bearer token: one call.
        services.AddDispatcherClient((sp, o) =>
        {
            var crm = sp.GetRequiredService<IOptions<CrmSyncOptions>>().Value;
            o.BaseAddress = crm.DispatcherUrl;
            o.Token = crm.DispatcherToken;
        });
        return services;
    }

    /// <summary>The worker's consumer of the <c>RecordDispatched</c> copies, on <paramref name="queue"/> when given.</summary>
    public static IBusRegistrationConfigurator AddCrmSyncConsumers(this IBusRegistrationConfigurator bus, string? queue = null)
    {
        var consumer = bus.AddConsumer<RecordDispatchedConsumer>();
        if (queue is not null)
        {
            consumer.Endpoint(endpoint => endpoint.Name = queue);
        }

        return bus;
    }
}
