using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Dispatcher.Infrastructure.Messaging;

/// <summary>
/// Reads queues' depth and consumer count by a passive declare, on a connection of its own (named
/// <c>&lt;ServiceName&gt;-&lt;purpose&gt;</c>) that is opened on first use and replaced once it broke. The probes of
/// <c>Health/</c> use one each.
/// </summary>
internal sealed class BrokerQueueInspector(MessagingOptions options, string purpose) : IAsyncDisposable
{
    private IConnection? _connection;

    /// <summary>The queue's state, or null when it does not exist. Other failures are thrown.</summary>
    public async Task<QueueDeclareOk?> InspectAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            _connection ??= await BrokerConnections.OpenAsync(options, purpose, recovering: true, cancellationToken);
            await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
            return await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
        catch
        {
            if (_connection is { IsOpen: false } broken)
            {
                _connection = null;
                await DisposeQuietlyAsync(broken);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await DisposeQuietlyAsync(connection);
        }
    }

    private static async Task DisposeQuietlyAsync(IConnection connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception)
        {
            // Closing a broken connection may fail; it is gone either way.
        }
    }
}
