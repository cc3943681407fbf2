using Dispatcher.Infrastructure.Messaging.EventBus;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Messaging.Ordering;

/// <summary>Registration of <see cref="MessageOrdering.PerRecord"/> (docs/decisions/0015-ordered-mode.md).</summary>
internal static class OrderedMode
{
    /// <summary>The publisher of the hop (the queues' arguments are checked at start by <see cref="QueueTypeCheck"/>).</summary>
    public static IServiceCollection AddOrderedModeServices(this IServiceCollection services)
    {
        services.AddSingleton<OrderedPartitionPublisher>();
        return services;
    }

    /// <summary>The entry consumer on the input queue, and the partition consumer (its endpoints are configured by <see cref="ConfigureOrderedPartitions"/>).</summary>
    public static void AddOrderedConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<OrderedEntryConsumer, OrderedEntryConsumerDefinition>();
        bus.AddConsumer<OrderedPartitionConsumer>().ExcludeFromConfigureEndpoints();
    }

    /// <summary>
    /// One receive endpoint per partition queue: single active consumer, one event at a time, the event endpoints'
    /// serialization and retries, failures moved into the input queue's error queue.
    /// </summary>
    public static void ConfigureOrderedPartitions(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
        var publisher = context.GetRequiredService<OrderedPartitionPublisher>();
        // Every instance registers every partition; RabbitMQ makes the first registered consumer active (ADR 0015, "Balance").
        foreach (var queue in OrderedPartitioning.QueueNames(options))
        {
            cfg.ReceiveEndpoint(queue, endpoint =>
            {
                endpoint.ConcurrentMessageLimit = 1;
                endpoint.UseEventBusSerialization();
                endpoint.UseOrderedErrorPipe(publisher, options);
                endpoint.ConfigureOrderedQueue(options);
                endpoint.UseEventRetry(options);
                endpoint.ConfigureConsumer<OrderedPartitionConsumer>(context);
            });
        }
    }

    /// <summary>
    /// The error pipe of the ordered endpoints: the whole reason (<see cref="FaultReasonFilter"/>), then the move into
    /// the input queue's error queue (<see cref="OrderedErrorTransportFilter"/>) instead of MassTransit's own, which
    /// would declare the error queue with the endpoint's arguments, single active consumer included.
    /// </summary>
    public static void UseOrderedErrorPipe(this IReceiveEndpointConfigurator endpoint, OrderedPartitionPublisher publisher, MessagingOptions options) =>
        endpoint.ConfigureError(error =>
        {
            error.UseFilter(new FaultReasonFilter());
            error.UseFilter(new OrderedErrorTransportFilter(publisher, options));
        });

    /// <summary>Single active consumer, the configured queue type and prefetch.</summary>
    public static void ConfigureOrderedQueue(this IRabbitMqReceiveEndpointConfigurator rabbit, MessagingOptions options)
    {
        rabbit.PrefetchCount = options.PrefetchCount;
        if (options.QueueType == QueueType.Quorum)
        {
            rabbit.SetQuorumQueue();
        }

        rabbit.SingleActiveConsumer = true;
    }
}
