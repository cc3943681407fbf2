using MassTransit;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// The endpoint policy of <see cref="OihEventConsumer"/>: the ecosystem's queue and bindings declared with its own
/// flags (durable, not exclusive, not auto-delete, no arguments; <c>x-queue-type=quorum</c> with
/// <see cref="QueueType.Quorum"/>), raw JSON without a content type (read by
/// <see cref="EventBusSerializerFactory"/>, which never fails), bounded concurrency, retries with
/// backoff that skip permanent failures, and then the error queue with the whole failure as the reason.
/// </summary>
public sealed class OihEventConsumerDefinition : ConsumerDefinition<OihEventConsumer>
{
    private readonly MessagingOptions _options;

    public OihEventConsumerDefinition(IOptions<MessagingOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.Queue;
        ConcurrentMessageLimit = _options.ConcurrencyLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<OihEventConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseEventBusSerialization();
        // The reason in the error queue is the whole failure, not only its innermost exception.
        endpointConfigurator.UseFaultReasonErrorPipe();
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = _options.PrefetchCount;
            if (_options.QueueType == QueueType.Quorum)
            {
                // MassTransit gives the endpoint's _error and _skipped queues the same queue arguments.
                rabbit.SetQuorumQueue();
            }

            rabbit.BindRecordEvents(_options);
        }

        endpointConfigurator.UseEventRetry(_options);
        // Per-record ordering is kept by the consumer itself (RecordPartitions), not MassTransit's partitioner.
    }
}

/// <summary>What every endpoint reading the platform's record events shares (the input queue's, and ordered mode's).</summary>
internal static class EventBusEndpoint
{
    /// <summary>
    /// Raw JSON without a content type, read leniently: a body that is no event fails in the consumer with a clear
    /// reason (<see cref="EventBusSerializerFactory"/> never fails). No consume topology, and no faults published: nobody
    /// can consume a <c>Fault&lt;OihEvent&gt;</c> (an internal type), publishing one per failure only adds exchanges, and
    /// it failed for events without a payload (an undefined <c>JsonElement</c> cannot be serialized), which turned a
    /// permanent failure into a retried one with a meaningless reason.
    /// </summary>
    public static void UseEventBusSerialization(this IReceiveEndpointConfigurator endpoint)
    {
        endpoint.ConfigureConsumeTopology = false;
        endpoint.ClearSerialization();
        var serialization = new EventBusSerializerFactory();
        endpoint.AddSerializer(serialization, isSerializer: true);
        endpoint.AddDeserializer(serialization, isDefault: true);
        endpoint.DefaultContentType = EventBusSerializerFactory.JsonContentType;
        endpoint.PublishFaults = false;
    }

    /// <summary>Binds the queue to the event-bus exchange (topic, durable) for the created, updated and deleted events.</summary>
    public static void BindRecordEvents(this IRabbitMqReceiveEndpointConfigurator rabbit, MessagingOptions options)
    {
        foreach (var eventName in new[] { options.CreatedEvent, options.UpdatedEvent, options.DeletedEvent })
        {
            rabbit.Bind(options.Exchange, binding =>
            {
                binding.ExchangeType = "topic";
                binding.Durable = true;
                binding.AutoDelete = false;
                binding.RoutingKey = eventName;
            });
        }
    }
}
