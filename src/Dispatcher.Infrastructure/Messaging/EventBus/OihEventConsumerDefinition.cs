using System.Net.Mime;
using Dispatcher.Application.Common.Errors;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// The endpoint policy of <see cref="OihEventConsumer"/>: the ecosystem's queue and bindings declared with its own
/// flags (durable, not exclusive, not auto-delete, no arguments), raw JSON without a content type, bounded
/// concurrency, per-record ordering, retries with backoff that skip permanent failures, and then the error queue.
/// </summary>
public sealed class OihEventConsumerDefinition : ConsumerDefinition<OihEventConsumer>
{
    private readonly MessagingOptions _options;

    /// <summary>Creates the definition from the messaging options.</summary>
    public OihEventConsumerDefinition(IOptions<MessagingOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.Queue;
        ConcurrentMessageLimit = _options.ConcurrencyLimit;
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<OihEventConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureConsumeTopology = false;
        endpointConfigurator.ClearSerialization();
        endpointConfigurator.UseRawJsonSerializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        // The ecosystem publishes without a content type.
        endpointConfigurator.DefaultContentType = new ContentType("application/json");
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = _options.PrefetchCount;
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

        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Exponential(_options.RetryLimit, _options.RetryMinInterval, _options.RetryMaxInterval, _options.RetryMinInterval);
            retry.Ignore<PermanentEventFailureException>();
        });
        consumerConfigurator.Message<OihEvent>(message =>
            message.UsePartitioner(_options.Partitions, consume => OihEventReader.PartitionKey(consume.Message)));
    }
}
