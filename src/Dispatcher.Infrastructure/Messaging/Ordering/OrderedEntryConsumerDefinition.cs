using Dispatcher.Infrastructure.Messaging.EventBus;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Messaging.Ordering;

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
            rabbit.BindRecordEvents(_options);
        }

        endpointConfigurator.UseEventRetry(_options);
    }
}
