using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Dispatcher.Infrastructure.Messaging.Ordering;

/// <summary>
/// The one hop of ordered mode: re-publishes an event from the input queue into its partition queue, unchanged
/// (same body, message id, correlation id and headers, so the dispatch ids stay those of the original), persistent and
/// mandatory, and returns only once the broker confirmed it. One channel, one publish at a time: the entry consumer
/// runs one event at a time, so partition queues receive events in input order.
/// </summary>
public sealed partial class OrderedPartitionPublisher(IOptions<MessagingOptions> options, ILogger<OrderedPartitionPublisher> logger)
    : IAsyncDisposable
{
    private readonly MessagingOptions _options = options.Value;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;
    private bool _declared;

    /// <summary>Publishes <paramref name="body"/> into <paramref name="queue"/>; throws when the broker does not confirm it.</summary>
    public async Task PublishAsync(
        string queue, ReadOnlyMemory<byte> body, string? messageId, string? correlationId, string? contentType,
        IDictionary<string, object?>? headers, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var channel = await ChannelAsync(cancellationToken);
            var properties = new BasicProperties
            {
                Persistent = true,
                MessageId = messageId,
                CorrelationId = correlationId,
                ContentType = contentType,
                Headers = headers,
            };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.PublishTimeout);
            try
            {
                await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body, timeout.Token);
            }
            catch (Exception)
            {
                // A nacked, returned or unconfirmed publish leaves the channel in doubt: the next publish opens a fresh one
                // (as the dispatch publisher does after a nack).
                await CloseChannelAsync();
                throw;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseChannelAsync();
        if (_connection is not null)
        {
            try
            {
                await _connection.DisposeAsync();
            }
            catch (Exception)
            {
                // Gone with the broker.
            }
        }

        _lock.Dispose();
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: false })
        {
            // Not recovering on its own (closed by the broker or never recovered): start over.
            await CloseChannelAsync();
            try
            {
                await _connection.DisposeAsync();
            }
            catch (Exception)
            {
                // Already closed.
            }

            _connection = null;
        }

        _connection ??= await BrokerConnections.OpenAsync(_options, "ordered-entry", recovering: false, cancellationToken);
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        await CloseChannelAsync();
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        if (!_declared)
        {
            // The partition endpoints declare the same queues; declaring here too lets the first events go out before
            // they have started (same arguments, so the declares are equivalent).
            foreach (var queue in OrderedPartitioning.QueueNames(_options))
            {
                await _channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                    arguments: OrderedPartitioning.OrderedQueueArguments(_options.QueueType), cancellationToken: cancellationToken);
            }

            // The error queue of every ordered endpoint (see OrderedErrorTransportFilter), declared as in Ordering=None
            // (MassTransit's copy of the input queue's arguments then: the queue type only), so it is the same queue in both modes.
            await _channel.QueueDeclareAsync(_options.ErrorQueue, durable: true, exclusive: false, autoDelete: false,
                arguments: QueueTypes.Arguments(_options.QueueType), cancellationToken: cancellationToken);

            _declared = true;
            LogDeclared(_options.OrderedPartitions, _options.Queue);
        }

        return _channel;
    }

    private async Task CloseChannelAsync()
    {
        var channel = _channel;
        _channel = null;
        if (channel is null)
        {
            return;
        }

        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception)
        {
            // Already closed.
        }
    }

    [LoggerMessage(LogLevel.Information, "Ordered mode: {Partitions} partition queues of {Queue} declared")]
    private partial void LogDeclared(int partitions, string queue);
}
