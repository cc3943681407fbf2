using System.Collections.Concurrent;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Dispatcher.Infrastructure.Messaging.Dispatch;

/// <summary>
/// Publishes dispatches on the event bus exchange with RabbitMQ.Client directly, so the wire format is exactly the
/// ecosystem's: routing key <c>dispatch.&lt;flowId&gt;</c>, persistent, raw JSON body. Every publish is
/// <c>mandatory</c> (an unroutable dispatch comes back and fails the event instead of vanishing) and awaits its
/// publisher confirm, on a few channels so confirms of one event's copies overlap. Also keeps the durable
/// destinations: a queue per inbound flow (default) or bindings of the shared <c>sdf-adapter</c> queue.
/// </summary>
public sealed partial class RabbitMqDispatchPublisher(
    IOptions<MessagingOptions> options,
    TimeProvider timeProvider,
    ILogger<RabbitMqDispatchPublisher> logger) : IDispatchPublisher, IDispatchDestinations, IAsyncDisposable
{
    private readonly MessagingOptions _options = options.Value;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly ConcurrentDictionary<FlowId, bool> _ensured = new();
    private IConnection? _connection;
    private IChannel[] _channels = [];
    private IChannel? _topology;
    private int _next;

    /// <inheritdoc />
    public async Task PublishAsync(IReadOnlyList<OutgoingDispatch> dispatches, CancellationToken cancellationToken)
    {
        if (dispatches.Count == 0)
        {
            return;
        }

        var channels = await ChannelsAsync(cancellationToken);
        // Never wait for a confirm forever: a broker that went away must fail the event so it is retried.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        var now = timeProvider.GetUtcNow();
        var publishes = new Task[dispatches.Count];
        for (var i = 0; i < dispatches.Count; i++)
        {
            var channel = channels[(int)((uint)Interlocked.Increment(ref _next) % (uint)channels.Length)];
            publishes[i] = PublishOneAsync(channel, dispatches[i], now, timeout.Token);
        }

        await Task.WhenAll(publishes);
    }

    /// <inheritdoc />
    public async Task EnsureAsync(FlowId flowId, CancellationToken cancellationToken)
    {
        if (_ensured.ContainsKey(flowId))
        {
            return;
        }

        var channel = await TopologyChannelAsync(cancellationToken);
        var routingKey = DispatchNames.RoutingKey(flowId);
        var queue = _options.Destination == DispatchDestinationMode.SharedQueue ? _options.SharedQueue : routingKey;
        // The event bus's own default flags, so its client can consume the queue by subscribing under that name.
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue, _options.Exchange, routingKey, arguments: null, cancellationToken: cancellationToken);
        _ensured[flowId] = true;
    }

    /// <inheritdoc />
    public async Task RemoveAsync(FlowId flowId, CancellationToken cancellationToken)
    {
        var channel = await TopologyChannelAsync(cancellationToken);
        var routingKey = DispatchNames.RoutingKey(flowId);
        if (_options.Destination == DispatchDestinationMode.SharedQueue)
        {
            await channel.QueueUnbindAsync(_options.SharedQueue, _options.Exchange, routingKey, arguments: null, cancellationToken: cancellationToken);
        }
        else
        {
            await channel.QueueDeleteAsync(routingKey, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
        }

        _ensured.TryRemove(flowId, out _);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels.Append(_topology).OfType<IChannel>())
        {
            await channel.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _connectLock.Dispose();
    }

    private async Task PublishOneAsync(IChannel channel, OutgoingDispatch dispatch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = dispatch.MessageId.ToString(),
            CorrelationId = dispatch.CorrelationId,
            Headers = new Dictionary<string, object?> { [EventBus.OihEventConsumer.HopHeader] = dispatch.HopCount },
        };
        var body = DispatchMessageWriter.Write(dispatch, _options.ServiceName, now);
        var target = dispatch.Dispatch.Target.FlowId;
        try
        {
            await channel.BasicPublishAsync(_options.Exchange, dispatch.RoutingKey, mandatory: true, properties, body, cancellationToken);
        }
        catch (PublishException e) when (e.IsReturn)
        {
            _ensured.TryRemove(target, out _);
            throw new DispatchNotDeliveredException($"The dispatch to target flow {target} was returned as unroutable: no queue is bound to {dispatch.RoutingKey}.", e);
        }
        catch (PublishException e)
        {
            throw new DispatchNotDeliveredException($"The broker refused (nack) the dispatch to target flow {target}.", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.Equals(CancellationToken.None))
        {
            throw new DispatchNotDeliveredException($"The dispatch to target flow {target} was not confirmed within {_options.PublishTimeout}.", e);
        }
        catch (Exception e) when (e is AlreadyClosedException or BrokerUnreachableException or OperationInterruptedException)
        {
            throw new DispatchNotDeliveredException($"The dispatch to target flow {target} failed: the broker connection is down ({e.Message}).", e);
        }
    }

    private async Task<IChannel[]> ChannelsAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken);
        return _channels;
    }

    private async Task<IChannel> TopologyChannelAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken);
        if (_topology is { IsOpen: true } open)
        {
            return open;
        }

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            // A failed declare (e.g. PRECONDITION_FAILED) closes its channel; open a fresh one.
            if (_topology is not { IsOpen: true })
            {
                _topology = await _connection!.CreateChannelAsync(cancellationToken: cancellationToken);
            }

            return _topology;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            // The client recovers a dropped connection and its channels by itself; publishes fail meanwhile and are retried.
            return;
        }

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not null)
            {
                return;
            }

            var factory = new ConnectionFactory
            {
                Uri = new Uri(_options.RabbitMqUrl!),
                AutomaticRecoveryEnabled = true,
                TopologyRecoveryEnabled = true,
                NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
                ClientProvidedName = $"{_options.ServiceName}-dispatch-publisher",
            };
            var connection = await factory.CreateConnectionAsync(cancellationToken);
            var channels = new IChannel[_options.PublishChannels];
            var channelOptions = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);
            for (var i = 0; i < channels.Length; i++)
            {
                channels[i] = await connection.CreateChannelAsync(channelOptions, cancellationToken);
            }

            await channels[0].ExchangeDeclareAsync(_options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            _channels = channels;
            _connection = connection;
            LogConnected(factory.Endpoint.ToString());
        }
        finally
        {
            _connectLock.Release();
        }
    }

    [LoggerMessage(LogLevel.Information, "Dispatch publisher connected to {Endpoint}")]
    private partial void LogConnected(string endpoint);
}
