using System.Collections.Concurrent;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Dispatcher.Infrastructure.Messaging.Dispatch;

/// <summary>
/// Publishes dispatches on the event bus exchange with RabbitMQ.Client directly, so the wire format is exactly the
/// ecosystem's: routing key <c>dispatch.&lt;flowId&gt;</c>, persistent, raw JSON body. Every publish is
/// <c>mandatory</c> (an unroutable dispatch comes back and fails the event instead of vanishing) and awaits its
/// publisher confirm, on a few channels so confirms of one event's copies overlap. Also keeps the durable
/// destinations: a queue per inbound flow (default) or bindings of the shared <c>sdf-adapter</c> queue.
/// Heals by itself: the client recovers a dropped connection with its channels, and a channel the broker closed on its
/// own (a channel error such as 404 for a missing exchange, which connection recovery never reopens) is replaced on
/// next use, with the exchange declared again.
/// </summary>
public sealed partial class RabbitMqDispatchPublisher(
    IOptions<MessagingOptions> options,
    TimeProvider timeProvider,
    ILogger<RabbitMqDispatchPublisher> logger) : IDispatchDestinations, IAsyncDisposable
{
    private readonly MessagingOptions _options = options.Value;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly ConcurrentDictionary<FlowId, bool> _ensured = new();
    // Logged once per queue: every event for it fails the same way (the reason also goes with the event to the error queue).
    private readonly ConcurrentDictionary<string, bool> _mismatchLogged = new();
    private IConnection? _connection;
    private IChannel[] _channels = [];
    private IChannel? _topology;
    private int _next;

    // Between a connection loss and the end of its automatic recovery the client owns the channels: do not replace them.
    private volatile bool _recovering;

    /// <summary>The target flows whose destination this instance has declared (dispatched to) since it started.</summary>
    internal IReadOnlyCollection<FlowId> EnsuredFlows => [.. _ensured.Keys];

    /// <inheritdoc />
    /// <remarks>
    /// A copy whose publish failed because the connection or its channel went away (not a return, a nack or a slow
    /// confirm on a healthy connection) is published again, with the same message id, once the client has recovered
    /// the connection — for up to <see cref="MessagingOptions.CompletionTimeout"/>. Copies confirmed before are not
    /// repeated. So an event received before a broker restart is finished after it: never left half dispatched.
    /// </remarks>
    public async Task PublishAsync(IReadOnlyList<OutgoingDispatch> dispatches, CancellationToken cancellationToken)
    {
        if (dispatches.Count == 0)
        {
            return;
        }

        var bodies = DispatchBodyTemplate.WriteBodies(dispatches, _options.ServiceName, timeProvider.GetUtcNow());
        var pending = Enumerable.Range(0, dispatches.Count).ToList();
        var giveUpAt = timeProvider.GetUtcNow() + _options.CompletionTimeout;
        while (true)
        {
            var lost = await PublishRoundAsync(dispatches, bodies, pending, cancellationToken);
            if (lost.Count == 0)
            {
                return;
            }

            if (timeProvider.GetUtcNow() >= giveUpAt)
            {
                throw lost[0].Failure;
            }

            LogWaitingForConnection(lost.Count, dispatches.Count);
            await WaitForConnectionAsync(giveUpAt, cancellationToken);
            pending = [.. lost.Select(l => l.Index)];
        }
    }

    /// <summary>
    /// Publishes the copies at <paramref name="indexes"/> and waits for all of them. Throws the first failure that is
    /// not a lost connection; returns the copies lost with the connection (to publish again).
    /// </summary>
    private async Task<List<(int Index, Exception Failure)>> PublishRoundAsync(
        IReadOnlyList<OutgoingDispatch> dispatches, ReadOnlyMemory<byte>[] bodies, List<int> indexes, CancellationToken cancellationToken)
    {
        var channels = await ChannelsAsync(cancellationToken);
        // Never wait for a confirm forever: a broker that went away must fail the publish so it is repeated.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        var publishes = new Task[indexes.Count];
        for (var i = 0; i < indexes.Count; i++)
        {
            var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)channels.Length);
            var channel = channels[index];
            if (!channel.IsOpen)
            {
                channel = await ReopenPublishChannelAsync(index, channel, timeout.Token);
            }

            publishes[i] = PublishOneAsync(channel, dispatches[indexes[i]], bodies[indexes[i]], cancellationToken, timeout.Token);
        }

        try
        {
            await Task.WhenAll(publishes);
            return [];
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            var lost = new List<(int, Exception)>();
            Exception? failure = null;
            for (var i = 0; i < publishes.Length; i++)
            {
                if (publishes[i].Exception?.InnerException is not { } error)
                {
                    continue;
                }

                if (IsConnectionLoss(error))
                {
                    lost.Add((indexes[i], error));
                }
                else
                {
                    failure ??= error;
                }
            }

            if (failure is not null)
            {
                // The event fails and is retried as a whole; copies confirmed now come again with the same ids.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            return lost;
        }
    }

    /// <summary>
    /// A publish that failed because the connection went away (not because of the message): its channel was closed
    /// under it, the broker was unreachable, or it was interrupted or unconfirmed while the connection is down.
    /// </summary>
    private bool IsConnectionLoss(Exception error) => error is DispatchNotDeliveredException { InnerException: { } inner } && inner switch
    {
        AlreadyClosedException or BrokerUnreachableException => true,
        OperationInterruptedException or OperationCanceledException => !CanReplaceChannels,
        _ => false,
    };

    /// <summary>Waits until the client has recovered the connection (or <paramref name="giveUpAt"/>).</summary>
    private async Task WaitForConnectionAsync(DateTimeOffset giveUpAt, CancellationToken cancellationToken)
    {
        // Let the client notice the loss first: a publish can fail before the shutdown event arrives.
        await Task.Delay(RecoveryPoll, timeProvider, cancellationToken);
        while (!CanReplaceChannels && timeProvider.GetUtcNow() < giveUpAt)
        {
            await Task.Delay(RecoveryPoll, timeProvider, cancellationToken);
        }
    }

    private static readonly TimeSpan RecoveryPoll = TimeSpan.FromMilliseconds(100);

    public async Task EnsureAsync(FlowId flowId, CancellationToken cancellationToken)
    {
        if (_ensured.ContainsKey(flowId))
        {
            return;
        }

        var giveUpAt = timeProvider.GetUtcNow() + _options.CompletionTimeout;
        while (true)
        {
            try
            {
                await DeclareDestinationAsync(flowId, cancellationToken);
                return;
            }
            catch (Exception e) when (e is AlreadyClosedException or BrokerUnreachableException or OperationInterruptedException
                && !CanReplaceChannels && _connection is not null && timeProvider.GetUtcNow() < giveUpAt)
            {
                // The connection is being recovered: an event in hand waits for it rather than failing.
                await WaitForConnectionAsync(giveUpAt, cancellationToken);
            }
        }
    }

    private async Task DeclareDestinationAsync(FlowId flowId, CancellationToken cancellationToken)
    {
        var channel = await TopologyChannelAsync(cancellationToken);
        var routingKey = IDispatchDestinations.RoutingKey(flowId);
        var queue = _options.Destination == DispatchDestinationMode.SharedQueue ? _options.SharedQueue : routingKey;
        // The exchange too (idempotent): a binding to an exchange that went away would fail with 404 for ever.
        await channel.ExchangeDeclareAsync(_options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        // The event bus's own default flags, so its client can consume the queue by subscribing under that name; the
        // queue type as configured (docs/decisions/0014-queue-type.md).
        try
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                arguments: QueueTypes.Arguments(_options.QueueType), cancellationToken: cancellationToken);
        }
        catch (Exception e) when (QueueTypes.IsTypeMismatch(e))
        {
            var message = QueueTypes.MismatchMessage(queue, _options.QueueType, e);
            if (_mismatchLogged.TryAdd(queue, true))
            {
                LogQueueTypeMismatch(message);
            }

            throw new QueueTypeMismatchException([message]);
        }

        await channel.QueueBindAsync(queue, _options.Exchange, routingKey, arguments: null, cancellationToken: cancellationToken);
        _ensured[flowId] = true;
    }

    public async Task RemoveAsync(FlowId flowId, CancellationToken cancellationToken)
    {
        var channel = await TopologyChannelAsync(cancellationToken);
        var routingKey = IDispatchDestinations.RoutingKey(flowId);
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

    private async Task PublishOneAsync(
        IChannel channel, OutgoingDispatch dispatch, ReadOnlyMemory<byte> body, CancellationToken callerToken, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            MessageId = dispatch.MessageId.ToString(),
            CorrelationId = dispatch.CorrelationId,
            Headers = new Dictionary<string, object?> { [EventBus.OihEventConsumer.HopHeader] = dispatch.HopCount },
        };
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
            // A nack can come from a channel whose state went stale: on RabbitMQ 3.10, after the node leading a quorum
            // queue died, one long-lived channel was refused for minutes while a fresh channel was accepted (docs/
            // benchmarks.md, "Three-node cluster"). So the channel is closed; the next publish on its slot opens a new
            // one, and copies in flight on it are published again (same ids).
            await CloseAfterNackAsync(channel);
            throw new DispatchNotDeliveredException($"The broker refused (nack) the dispatch to target flow {target}.", e);
        }
        catch (OperationCanceledException e) when (!callerToken.IsCancellationRequested)
        {
            throw new DispatchNotDeliveredException($"The dispatch to target flow {target} was not confirmed within {_options.PublishTimeout}.", e);
        }
        catch (Exception e) when (e is AlreadyClosedException or BrokerUnreachableException or OperationInterruptedException)
        {
            throw new DispatchNotDeliveredException($"The dispatch to target flow {target} failed: its channel or the broker connection is closed ({e.Message}).", e);
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
            // A failed declare (e.g. PRECONDITION_FAILED) closes its channel; open a fresh one (the client reopens it
            // itself after a connection loss: meanwhile use it closed, the call fails and is retried).
            if (_topology is { IsOpen: true } || (_topology is not null && !CanReplaceChannels))
            {
                return _topology;
            }

            var closed = _topology;
            _topology = await _connection!.CreateChannelAsync(cancellationToken: cancellationToken);
            await DisposeQuietlyAsync(closed);
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

            var connection = await BrokerConnections.OpenAsync(_options, "dispatch-publisher", recovering: true, cancellationToken);
            try
            {
                var channels = new IChannel[_options.PublishChannels];
                for (var i = 0; i < channels.Length; i++)
                {
                    channels[i] = await connection.CreateChannelAsync(PublishChannelOptions, cancellationToken);
                }

                await channels[0].ExchangeDeclareAsync(_options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
                connection.ConnectionShutdownAsync += OnConnectionShutdownAsync;
                connection.RecoverySucceededAsync += OnRecoverySucceededAsync;
                _channels = channels;
                _connection = connection;
            }
            catch
            {
                // Do not leak a half-made connection: the next publish connects again.
                await DisposeQuietlyAsync(connection);
                throw;
            }

            LogConnected(connection.Endpoint.ToString());
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private static CreateChannelOptions PublishChannelOptions =>
        new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    /// <summary>The connection is up and not being recovered: a closed channel was closed by the broker on its own.</summary>
    private bool CanReplaceChannels => _connection is { IsOpen: true } && !_recovering;

    /// <summary>
    /// Replaces a publish channel the broker closed with a channel error (e.g. 404: the exchange was deleted) — the
    /// client's recovery only reopens channels after a connection loss, so without this every later publish on it
    /// would fail. Declares the exchange again on the new channel. During a connection recovery the closed channel is
    /// returned as it is: the publish fails fast and the event is retried, and the client reopens the channel.
    /// </summary>
    private async Task<IChannel> ReopenPublishChannelAsync(int index, IChannel closed, CancellationToken cancellationToken)
    {
        if (!CanReplaceChannels)
        {
            return closed;
        }

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            var current = _channels[index];
            if (current.IsOpen || !CanReplaceChannels)
            {
                return current;
            }

            var reason = current.CloseReason?.ReplyText ?? "closed";
            var channel = await _connection!.CreateChannelAsync(PublishChannelOptions, cancellationToken);
            try
            {
                await channel.ExchangeDeclareAsync(_options.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            }
            catch
            {
                await DisposeQuietlyAsync(channel);
                throw;
            }

            _channels[index] = channel;
            await DisposeQuietlyAsync(current);
            LogChannelReopened(index, reason);
            return channel;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private Task OnConnectionShutdownAsync(object sender, ShutdownEventArgs args)
    {
        // Set for every loss; cleared when the client has recovered the connection and its channels.
        _recovering = args.Initiator != ShutdownInitiator.Application;
        if (_recovering)
        {
            LogConnectionLost(args.ReplyCode, args.ReplyText);
        }

        return Task.CompletedTask;
    }

    private Task OnRecoverySucceededAsync(object sender, AsyncEventArgs args)
    {
        _recovering = false;
        LogConnectionRecovered();
        return Task.CompletedTask;
    }

    private static async Task CloseAfterNackAsync(IChannel channel)
    {
        try
        {
            await channel.CloseAsync(Constants.ReplySuccess, "replaced after a nack", abort: false);
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException or IOException)
        {
            // Already gone.
        }
    }

    private static async Task DisposeQuietlyAsync(IAsyncDisposable? disposable)
    {
        try
        {
            if (disposable is not null)
            {
                await disposable.DisposeAsync();
            }
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException or IOException)
        {
            // Already gone.
        }
    }

    [LoggerMessage(LogLevel.Warning, "{Lost} of {Total} dispatches of an event were lost with the broker connection; publishing them again (same ids) once it is back")]
    private partial void LogWaitingForConnection(int lost, int total);

    [LoggerMessage(LogLevel.Error, "{Message}")]
    private partial void LogQueueTypeMismatch(string message);

    [LoggerMessage(LogLevel.Information, "Dispatch publisher connected to {Endpoint}")]
    private partial void LogConnected(string endpoint);

    [LoggerMessage(LogLevel.Warning, "Dispatch publisher lost its broker connection ({ReplyCode} {ReplyText}); recovering, publishes fail and are retried meanwhile")]
    private partial void LogConnectionLost(ushort replyCode, string replyText);

    [LoggerMessage(LogLevel.Information, "Dispatch publisher recovered its broker connection and channels")]
    private partial void LogConnectionRecovered();

    [LoggerMessage(LogLevel.Warning, "Dispatch publish channel {Index} was closed ({Reason}); opened a new one")]
    private partial void LogChannelReopened(int index, string reason);
}
