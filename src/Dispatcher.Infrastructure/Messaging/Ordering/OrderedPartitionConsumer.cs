using Dispatcher.Application.Common.Telemetry;
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
    public Task Consume(ConsumeContext<OihEvent> context) =>
        OihEventConsumer.HandOffAsync(context, mediator, reader, metrics, options.Value, lifetime, partitions: null);
}
