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
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.ClearSerialization();
        // Raw JSON, read leniently: a body that is no event fails in the consumer with a clear reason (see the factory).
        var serialization = new EventBusSerializerFactory();
        endpointConfigurator.AddSerializer(serialization, isSerializer: true);
        endpointConfigurator.AddDeserializer(serialization, isDefault: true);
        // The ecosystem publishes without a content type.
        endpointConfigurator.DefaultContentType = EventBusSerializerFactory.JsonContentType;
        // Nobody can consume a Fault<OihEvent> (an internal type); publishing one per failure only adds exchanges, and
        // it failed for events without a payload (an undefined JsonElement cannot be serialized), which turned a
        // permanent failure into a retried one with a meaningless reason.
        endpointConfigurator.PublishFaults = false;
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
            foreach (var eventName in new[] { _options.CreatedEvent, _options.UpdatedEvent, _options.DeletedEvent })
            {
                rabbit.Bind(_options.Exchange, binding =>
                {
                    binding.ExchangeType = "topic";
                    binding.Durable = true;
                    binding.AutoDelete = false;
                    binding.RoutingKey = eventName;
                });
            }
        }

        endpointConfigurator.UseEventRetry(_options);
        // Per-record ordering is kept by the consumer itself (RecordPartitions), not MassTransit's partitioner.
    }
}
