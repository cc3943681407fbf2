using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Dispatcher.Infrastructure.Messaging;

/// <summary>
/// Before the bus starts, checks that the service's durable queues that already exist have the configured
/// <see cref="MessagingOptions.QueueType"/>. RabbitMQ refuses to redeclare a queue with another <c>x-queue-type</c>
/// (406 PRECONDITION_FAILED); MassTransit would then retry its endpoint for ever with the broker's text among its
/// reconnect messages while the service stays unready. Instead, a mismatch is logged once per queue, naming it, and
/// stops the start. A broker that cannot be reached is not this check's business: it is skipped (the bus waits for the broker).
/// </summary>
internal sealed partial class QueueTypeCheck(IOptions<MessagingOptions> options, ILogger<QueueTypeCheck> logger) : IHostedService
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly MessagingOptions _options = options.Value;

    /// <summary>The service's own durable queues: the receive queues with their error and skipped queues, and the shared queue when used.</summary>
    internal IEnumerable<string> Queues()
    {
        foreach (var queue in new[] { _options.Queue, _options.RecordChangedQueue })
        {
            yield return queue;
            yield return $"{queue}_error";
            yield return $"{queue}_skipped";
        }

        if (_options.Destination == DispatchDestinationMode.SharedQueue)
        {
            yield return _options.SharedQueue;
        }

        foreach (var queue in Ordering.OrderedQueueArguments.ExtraQueues(_options))
        {
            yield return queue;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        IConnection connection;
        try
        {
            connection = await BrokerConnections.OpenAsync(_options, "queue-type-check", recovering: false, timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogSkipped(e.Message);
            return;
        }

        var mismatches = new List<string>();
        await using (connection)
        {
            foreach (var queue in Queues())
            {
                try
                {
                    // Each failed declare closes its channel.
                    await using var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token);
                    if (!await ExistsAsync(connection, queue, timeout.Token))
                    {
                        continue;
                    }

                    await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                        arguments: Ordering.OrderedQueueArguments.For(_options, queue), cancellationToken: timeout.Token);
                }
                catch (Exception e) when (QueueTypes.IsTypeMismatch(e))
                {
                    var message = QueueTypes.MismatchMessage(queue, _options.QueueType, e);
                    LogMismatch(message);
                    mismatches.Add(message);
                }
                catch (Exception e) when (Ordering.OrderedQueueArguments.IsMismatch(e))
                {
                    var message = Ordering.OrderedQueueArguments.MismatchMessage(queue, _options, e);
                    LogMismatch(message);
                    mismatches.Add(message);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // Another refusal (e.g. other arguments set by hand) is reported by the declare that needs the queue.
                    LogSkipped(e.Message);
                }
            }
        }

        if (mismatches.Count > 0)
        {
            throw new QueueTypeMismatchException(mismatches);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task<bool> ExistsAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Critical, "{Message}")]
    private partial void LogMismatch(string message);

    [LoggerMessage(LogLevel.Warning, "Could not check the queue types before start ({Reason}); a mismatch will show as a refused declare")]
    private partial void LogSkipped(string reason);
}

/// <summary>Queues of the service exist with another type than <see cref="MessagingOptions.QueueType"/>; the message names each.</summary>
public sealed class QueueTypeMismatchException(IReadOnlyCollection<string> mismatches)
    : Exception(string.Join(Environment.NewLine, mismatches))
{
    /// <summary>One message per queue.</summary>
    public IReadOnlyCollection<string> Mismatches { get; } = mismatches;
}
