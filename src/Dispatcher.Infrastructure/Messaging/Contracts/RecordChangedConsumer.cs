using System.Text.Json;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Dispatching.DispatchRecordEvent;
using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Infrastructure.Messaging.EventBus;
using MassTransit;
using Mediator;

namespace Dispatcher.Infrastructure.Messaging.Contracts;

/// <summary>Consumes <see cref="RecordChanged"/> from .NET services; same application command as the event-bus consumer.</summary>
public sealed class RecordChangedConsumer(
    IMediator mediator,
    DispatcherMetrics metrics,
    Microsoft.Extensions.Options.IOptions<MessagingOptions> options,
    Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime) : IConsumer<RecordChanged>
{
    public async Task Consume(ConsumeContext<RecordChanged> context)
    {
        var message = context.Message;
        metrics.EventsReceived.Add(1, new KeyValuePair<string, object?>("event", nameof(RecordChanged)));
        try
        {
            var recordEvent = ToRecordEvent(message);
            var identity = message.EventId.ToString("N");
            var correlation = context.CorrelationId?.ToString("N") ?? identity;
            var hops = context.Headers.Get<int>(OihEventConsumer.HopHeader) ?? 0;
            using var completion = new CompletionToken(context, lifetime);
            await mediator.Send(new DispatchRecordEvent(recordEvent, identity, correlation, hops), completion.Token);
        }
        catch (Exception e) when (EventFailures.IsFinal(context, e, options.Value))
        {
            EventFailures.Count(metrics, e);
            throw;
        }
    }

    /// <summary>Maps the contract to the domain event; throws <see cref="MalformedEventException"/> on bad input.</summary>
    public static RecordEvent ToRecordEvent(RecordChanged message)
    {
        if (!FlowId.TryParse(message.FlowId, out var flowId))
        {
            throw new MalformedEventException($"'{nameof(RecordChanged.FlowId)}' is not a valid flow id: '{message.FlowId}'.");
        }

        var operation = message.Operation switch
        {
            RecordOperation.Create => Operation.Create,
            RecordOperation.Update => Operation.Update,
            RecordOperation.Delete => Operation.Delete,
            _ => throw new MalformedEventException($"Unknown operation '{message.Operation}'."),
        };
        var fields = (message.Meta ?? new Dictionary<string, JsonElement>())
            .Where(f => f.Key != RecordMeta.FlowIdField)
            .Prepend(new KeyValuePair<string, JsonElement>(RecordMeta.FlowIdField, JsonSerializer.SerializeToElement(flowId.Value)));
        var refs = (message.Refs ?? []).Select(r => new RecordRef(r.ApplicationUid, r.RecordUid));
        return new RecordEvent(flowId, operation, RecordMeta.Create(fields, refs), message.Data);
    }
}

/// <summary>Endpoint policy of <see cref="RecordChangedConsumer"/>: retries skip permanent failures; ordering per record.</summary>
public sealed class RecordChangedConsumerDefinition : ConsumerDefinition<RecordChangedConsumer>
{
    private readonly MessagingOptions _options;

    public RecordChangedConsumerDefinition(Microsoft.Extensions.Options.IOptions<MessagingOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.RecordChangedQueue;
        ConcurrentMessageLimit = _options.ConcurrencyLimit;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RecordChangedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = _options.PrefetchCount;
            if (_options.QueueType == QueueType.Quorum)
            {
                // MassTransit gives the endpoint's _error and _skipped queues the same queue arguments.
                rabbit.SetQuorumQueue();
            }
        }

        // The reason in the error queue is the whole failure, not only its innermost exception.
        endpointConfigurator.UseFaultReasonErrorPipe();
        endpointConfigurator.UseEventRetry(_options);
        consumerConfigurator.Message<RecordChanged>(message => message.UsePartitioner(_options.Partitions, consume =>
            consume.Message.Meta?.TryGetValue("oihUid", out var oihUid) == true ? oihUid.ToString() : consume.Message.FlowId));
    }
}
