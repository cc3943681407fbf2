using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Infrastructure.Messaging.EventBus;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Dispatcher.Infrastructure.Messaging.Ordering;

/// <summary>
/// The entrance of <see cref="MessageOrdering.PerRecord"/>: consumes the input queue (one active instance across all,
/// one event at a time) and moves each event into its record's partition queue. The input delivery is acknowledged only
/// after the broker confirmed the partition copy, so a crash in between gives a duplicate with the same message id,
/// never a loss. Nothing else happens here: the event is read and dispatched by <see cref="OrderedPartitionConsumer"/>.
/// </summary>
public sealed class OrderedEntryConsumer(OrderedPartitionPublisher publisher, IOptions<MessagingOptions> options) : IConsumer<OihEvent>
{
    private readonly MessagingOptions _options = options.Value;

    public Task Consume(ConsumeContext<OihEvent> context)
    {
        var partition = OrderedPartitioning.PartitionOf(context.Message, _options.OrderedPartitions);
        var queue = OrderedPartitioning.QueueName(_options.Queue, partition);
        context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var delivery);
        var properties = delivery?.Properties;
        return publisher.PublishAsync(
            queue,
            context.ReceiveContext.Body.GetBytes(),
            properties?.MessageId,
            properties?.CorrelationId,
            properties?.ContentType,
            properties?.Headers is { } headers ? new Dictionary<string, object?>(headers) : null,
            context.CancellationToken);
    }
}

/// <summary>
/// The endpoint policy of <see cref="OrderedEntryConsumer"/>: the input queue with the event-bus bindings and the same
/// serialization as <see cref="OihEventConsumerDefinition"/>, declared with single active consumer, one event at a
/// time (arrival order), retries that block the input until the hop succeeds, then its error queue.
/// </summary>
public sealed class OrderedEntryConsumerDefinition : ConsumerDefinition<OrderedEntryConsumer>
{
    private readonly MessagingOptions _options;

    public OrderedEntryConsumerDefinition(IOptions<MessagingOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.Queue;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<OrderedEntryConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseEventBusSerialization();
        endpointConfigurator.UseOrderedErrorPipe(context.GetRequiredService<OrderedPartitionPublisher>(), _options);
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.ConfigureOrderedQueue(_options);
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
    }
}
