using Dispatcher.Infrastructure.Messaging.EventBus;
using MassTransit;
using Microsoft.Extensions.Options;

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
