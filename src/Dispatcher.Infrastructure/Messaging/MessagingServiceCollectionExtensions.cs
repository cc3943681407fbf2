using Dispatcher.Application.Common.Health;
using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.Messaging.Contracts;
using Dispatcher.Infrastructure.Messaging.Dispatch;
using Dispatcher.Infrastructure.Messaging.ErrorQueue;
using Dispatcher.Infrastructure.Messaging.EventBus;
using Dispatcher.Infrastructure.Messaging.Ordering;
using Dispatcher.Infrastructure.Messaging.Routing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Messaging;

/// <summary>Registers the bus side: RabbitMQ when <c>Messaging:RabbitMqUrl</c> is set, else the in-memory transport.</summary>
internal static class MessagingServiceCollectionExtensions
{
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(MessagingOptions.Section);
        services.AddOptions<MessagingOptions>().Bind(section).ValidateDataAnnotations()
            .Validate(o => !o.UsesRabbitMq || Uri.TryCreate(o.RabbitMqUrl, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps",
                "Messaging:RabbitMqUrl must be an amqp:// or amqps:// URL.")
            .Validate(o => Enum.IsDefined(o.QueueType), "Messaging:QueueType must be Classic or Quorum.")
            .Validate(o => Enum.IsDefined(o.Ordering), "Messaging:Ordering must be None or PerRecord.")
            .Validate(o => o.Ordering != MessageOrdering.PerRecord || o.UsesRabbitMq,
                "Messaging:Ordering=PerRecord needs RabbitMQ (Messaging:RabbitMqUrl): it orders through partition queues on the broker.")
            .ValidateOnStart();
        var options = section.Get<MessagingOptions>() ?? new MessagingOptions();
        services.AddSingleton(sp => new OihEventReader(sp.GetRequiredService<IOptions<MessagingOptions>>().Value));
        services.AddSingleton<IRecordEventReader>(sp => sp.GetRequiredService<OihEventReader>());
        services.AddSingleton<OihEventConsumer.RecordPartitions>();

        // Before the bus: hosted services start in order, and no event may be consumed before routing is loaded.
        services.AddHostedService<RoutingTableLoader>();
        services.AddSingleton<RoutingTableRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<RoutingTableRefresher>());
        services.AddScoped<IConfigurationChangeNotifier, BusConfigurationChangeNotifier>();
        if (options.UsesRabbitMq)
        {
            services.AddSingleton<RabbitMqDispatchPublisher>();
            services.AddSingleton<IDispatchDestinations>(sp => sp.GetRequiredService<RabbitMqDispatchPublisher>());
            services.AddSingleton<ErrorQueueRedriver>();
            services.AddSingleton<IErrorQueues>(sp => sp.GetRequiredService<ErrorQueueRedriver>());
            // Before the bus: a queue of the wrong type stops the start with one message instead of failing endpoints.
            services.AddHostedService<QueueTypeCheck>();
            if (options.Ordering == MessageOrdering.PerRecord)
            {
                services.AddOrderedModeServices();
            }
        }
        else
        {
            services.AddSingleton<InMemoryDispatchPublisher>();
            services.AddSingleton<IDispatchDestinations>(sp => sp.GetRequiredService<InMemoryDispatchPublisher>());
            services.AddSingleton<IRecentDispatches>(sp => sp.GetRequiredService<InMemoryDispatchPublisher>());
        }

        if (options.PublishContracts)
        {
            // Replaces the application's default (announce nothing); works on both transports.
            services.AddSingleton<IDispatchNotifier, RecordDispatchedNotifier>();
        }

        services.AddMassTransit(bus =>
        {
            // No call-outs by default: MassTransit would otherwise report usage to its vendor at start-up.
            bus.DisableUsageTelemetry();
            if (options.Ordering == MessageOrdering.PerRecord && options.UsesRabbitMq)
            {
                bus.AddOrderedConsumers();
            }
            else
            {
                bus.AddConsumer<OihEventConsumer, OihEventConsumerDefinition>();
            }

            bus.AddConsumer<RecordChangedConsumer, RecordChangedConsumerDefinition>();
            bus.AddConsumer<ConfigurationChangedConsumer>()
                .Endpoint(endpoint =>
                {
                    // One queue per instance, gone with the instance: every instance hears every change.
                    endpoint.Temporary = true;
                    endpoint.InstanceId = $"-{Environment.MachineName}-{Guid.NewGuid():N}";
                });
            // Readiness follows the event-bus endpoint and the contract endpoint separately (Health/BusEndpointHealthCheck),
            // not MassTransit's whole-bus check, which stays registered for diagnostics only.
            bus.ConfigureHealthCheckOptions(health =>
            {
                health.Tags.Clear();
                health.Tags.Add(HealthChecks.MassTransitTag);
            });
            if (options.UsesRabbitMq)
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    // Publisher confirms (MassTransit's default, stated): a RecordDispatched publish completes when confirmed.
                    cfg.Host(new Uri(options.RabbitMqUrl!), host => host.PublisherConfirmation = true);
                    if (!ReceiveReconnectPolicy.TryApply(cfg))
                    {
                        context.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReceiveReconnectPolicy))
                            .LogWarning("Could not bound the receive endpoints' reconnect back-off (MassTransit internals changed); endpoints may wait up to 30 s after the broker returns");
                    }

                    if (options.Ordering == MessageOrdering.PerRecord)
                    {
                        cfg.ConfigureOrderedPartitions(context);
                    }

                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });
        return services;
    }
}
