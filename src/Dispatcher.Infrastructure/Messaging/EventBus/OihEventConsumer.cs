using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Dispatching.DispatchRecordEvent;
using MassTransit;
using Mediator;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// Consumes the platform's record events (<c>data-hub.record.*</c>, raw JSON on the <c>event-bus</c> exchange) and
/// hands them to the application as <see cref="DispatchRecordEvent"/>. Thin on purpose: parsing here, work there.
/// </summary>
public sealed class OihEventConsumer(
    IMediator mediator,
    OihEventReader reader,
    DispatcherMetrics metrics,
    IOptions<MessagingOptions> options,
    IHostApplicationLifetime lifetime,
    RecordPartitions partitions) : IConsumer<OihEvent>
{
    /// <summary>The AMQP header carrying how many dispatcher hops a message has made.</summary>
    public const string HopHeader = "x-dispatcher-hops";

    public async Task Consume(ConsumeContext<OihEvent> context)
    {
        metrics.EventsReceived.Add(1, new KeyValuePair<string, object?>("event", context.Message.Name ?? "(none)"));
        try
        {
            var recordEvent = reader.Read(context.Message);
            var identity = context.MessageId?.ToString("N") ?? MessageIds.FromBody(context.ReceiveContext.Body.GetBytes());
            var correlation = context.CorrelationId?.ToString("N") ?? identity;
            var hops = context.Headers.Get<int>(HopHeader) ?? 0;
            using var completion = new CompletionToken(context, lifetime);
            // Events about the same record, one at a time and in arrival order.
            using var turn = await partitions.EnterAsync(OihEventReader.PartitionKey(context.Message), completion.Token);
            await mediator.Send(new DispatchRecordEvent(recordEvent, identity, correlation, hops), completion.Token);
        }
        catch (Exception e) when (EventFailures.IsFinal(context, e, options.Value))
        {
            EventFailures.Count(metrics, e);
            throw;
        }
    }
}
