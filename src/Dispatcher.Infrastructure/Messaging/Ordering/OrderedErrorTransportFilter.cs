using MassTransit;

namespace Dispatcher.Infrastructure.Messaging.Ordering;

/// <summary>
/// The last filter of the ordered endpoints' error pipe (entry and partitions): moves the failed event into the input
/// queue's error queue (<see cref="MessagingOptions.ErrorQueue"/>) instead of one error queue per partition, with its
/// original properties and MassTransit's fault headers (the reason written by <c>FaultReasonFilter</c>). The admin listing and redrive
/// therefore see one queue, and a redrive sends the event back to the input queue, where it is re-keyed like any
/// other. Throws when the broker does not confirm: the event is then not acknowledged and comes again.
/// </summary>
internal sealed class OrderedErrorTransportFilter(OrderedPartitionPublisher publisher, MessagingOptions options) : IFilter<ExceptionReceiveContext>
{
    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        context.TryGetPayload<RabbitMqBasicConsumeContext>(out var delivery);
        var properties = delivery?.Properties;
        var headers = properties?.Headers is { } original
            ? new Dictionary<string, object?>(original)
            : new Dictionary<string, object?>();
        foreach (var header in context.ExceptionHeaders.GetAll())
        {
            headers[header.Key] = header.Value is string or null ? header.Value : header.Value.ToString();
        }

        await publisher.PublishAsync(
            options.ErrorQueue, context.Body.GetBytes(), properties?.MessageId, properties?.CorrelationId, properties?.ContentType,
            headers, context.CancellationToken);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("orderedErrorTransport");
}
