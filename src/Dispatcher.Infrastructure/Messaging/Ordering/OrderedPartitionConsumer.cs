using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Dispatching.DispatchRecordEvent;
using Dispatcher.Infrastructure.Messaging.EventBus;
using MassTransit;
using Mediator;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Messaging.Ordering;

/// <summary>
/// Consumes one partition queue of <see cref="MessageOrdering.PerRecord"/> (one event at a time, so in order) and
/// hands each event to the application exactly as <see cref="OihEventConsumer"/> does: the same reader, identity
/// (message id, else the body's hash: the body was moved unchanged), hop count and <see cref="DispatchRecordEvent"/>.
/// </summary>
public sealed class OrderedPartitionConsumer(
    IMediator mediator,
    OihEventReader reader,
    DispatcherMetrics metrics,
    IOptions<MessagingOptions> options,
    IHostApplicationLifetime lifetime) : IConsumer<OihEvent>
{
    public async Task Consume(ConsumeContext<OihEvent> context)
    {
        metrics.EventsReceived.Add(1, new KeyValuePair<string, object?>("event", context.Message.Name ?? "(none)"));
        try
        {
            var recordEvent = reader.Read(context.Message);
            var identity = context.MessageId?.ToString("N") ?? MessageIds.FromBody(context.ReceiveContext.Body.GetBytes());
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
}
