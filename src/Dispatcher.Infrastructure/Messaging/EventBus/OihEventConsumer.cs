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
/// hands them to the application as <see cref="DispatchRecordEvent"/>, one at a time per record
/// (<see cref="RecordPartitions"/>). Thin on purpose: parsing here, work there.
/// </summary>
public sealed class OihEventConsumer(
    IMediator mediator,
    OihEventReader reader,
    DispatcherMetrics metrics,
    IOptions<MessagingOptions> options,
    IHostApplicationLifetime lifetime,
    OihEventConsumer.RecordPartitions partitions) : IConsumer<OihEvent>
{
    /// <summary>The AMQP header carrying how many dispatcher hops a message has made.</summary>
    public const string HopHeader = "x-dispatcher-hops";

    public Task Consume(ConsumeContext<OihEvent> context) =>
        HandOffAsync(context, mediator, reader, metrics, options.Value, lifetime, partitions);

    /// <summary>
    /// Reads the event and sends it to the application as a <see cref="DispatchRecordEvent"/> — after its record's turn
    /// when <paramref name="partitions"/> is given (the ordered mode's partition consumers are already one at a time).
    /// </summary>
    internal static async Task HandOffAsync(
        ConsumeContext<OihEvent> context,
        IMediator mediator,
        OihEventReader reader,
        DispatcherMetrics metrics,
        MessagingOptions options,
        IHostApplicationLifetime lifetime,
        RecordPartitions? partitions)
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
            using var turn = partitions is null ? null : await partitions.EnterAsync(OihEventReader.PartitionKey(context.Message), completion.Token);
            await mediator.Send(new DispatchRecordEvent(recordEvent, identity, correlation, hops), completion.Token);
        }
        catch (Exception e) when (EventFailures.IsFinal(context, e, options))
        {
            EventFailures.Count(metrics, e);
            throw;
        }
    }

    /// <summary>
    /// Per-record ordering of the event-bus consumer: events with the same partition key (<see cref="OihEventReader.PartitionKey"/>)
    /// are processed one at a time, in arrival order, over <see cref="MessagingOptions.Partitions"/> partitions. Inside the
    /// consumer rather than MassTransit's partitioner, because an event waiting for its turn there is abandoned when the
    /// consume channel drops — and a non-persistent event is then lost (the broker drops it on restart); here it waits with
    /// the event's <see cref="CompletionToken"/>, which only a shutdown cancels.
    /// </summary>
    public sealed class RecordPartitions
    {
        private readonly SemaphoreSlim[] _partitions;

        public RecordPartitions(IOptions<MessagingOptions> options)
        {
            _partitions = [.. Enumerable.Range(0, options.Value.Partitions).Select(_ => new SemaphoreSlim(1, 1))];
        }

        /// <summary>Waits for the turn of <paramref name="key"/>'s partition; dispose the result to hand it on.</summary>
        public async Task<IDisposable> EnterAsync(string key, CancellationToken cancellationToken)
        {
            var partition = _partitions[Fnv1a(key) % (uint)_partitions.Length];
            // SemaphoreSlim serves its asynchronous waiters first in, first out: arrival order per partition.
            await partition.WaitAsync(cancellationToken);
            return new Turn(partition);
        }

        /// <summary>A stable hash (string.GetHashCode differs per process, which does not matter here, but FNV-1a is cheap and even).</summary>
        private static uint Fnv1a(string key)
        {
            var hash = 2166136261u;
            foreach (var c in key)
            {
                hash = (hash ^ c) * 16777619u;
            }

            return hash;
        }

        private sealed class Turn(SemaphoreSlim partition) : IDisposable
        {
            private int _released;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _released, 1) == 0)
                {
                    partition.Release();
                }
            }
        }
    }
}
