using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Dispatching;
using MassTransit;
using Mediator;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// Consumes the platform's record events (<c>data-hub.record.*</c>, raw JSON on the <c>event-bus</c> exchange) and
/// hands them to the application as <see cref="DispatchRecordEvent"/>. Thin on purpose: parsing here, work there.
/// </summary>
public sealed class OihEventConsumer(IMediator mediator, OihEventReader reader, DispatcherMetrics metrics) : IConsumer<OihEvent>
{
    /// <summary>The AMQP header carrying how many dispatcher hops a message has made.</summary>
    public const string HopHeader = "x-dispatcher-hops";

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<OihEvent> context)
    {
        metrics.EventsReceived.Add(1, new KeyValuePair<string, object?>("event", context.Message.Headers?.Name ?? "(none)"));
        var recordEvent = reader.Read(context.Message);
        var identity = context.MessageId?.ToString("N") ?? MessageIds.FromBody(context.ReceiveContext.Body.GetBytes());
        var correlation = context.CorrelationId?.ToString("N") ?? identity;
        var hops = context.Headers.Get<int>(HopHeader) ?? 0;
        await mediator.Send(new DispatchRecordEvent(recordEvent, identity, correlation, hops), context.CancellationToken);
    }
}
