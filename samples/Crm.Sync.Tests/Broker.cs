using System.Text;
using RabbitMQ.Client;

namespace Crm.Sync.Tests;

/// <summary>The test's direct view of RabbitMQ: waiting for a consumer, reading a queue, cleaning up its names.</summary>
public sealed class Broker(IConnection connection) : IAsyncDisposable
{
    /// <summary><c>DISPATCHER_RABBITMQ</c> (as build/test.sh sets it), else the local broker.</summary>
    public static string Url => Environment.GetEnvironmentVariable("DISPATCHER_RABBITMQ") is { Length: > 0 } url
        ? url
        : "amqp://guest:guest@127.0.0.1:5672/";

    public static async Task<Broker> ConnectAsync() =>
        new(await new ConnectionFactory { Uri = new Uri(Url), ClientProvidedName = "crm-sync-tests" }.CreateConnectionAsync());

    /// <summary>Until <paramref name="queue"/> exists and has a consumer.</summary>
    public async Task WaitForConsumerAsync(string queue, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await using var channel = await connection.CreateChannelAsync();
                var state = await channel.QueueDeclarePassiveAsync(queue);
                if (state.ConsumerCount > 0)
                {
                    return;
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // Not declared yet (404 closes the channel).
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No consumer on queue '{queue}' within {timeout}.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Reads (and acknowledges) every message now in <paramref name="queue"/>; bodies as text.</summary>
    public async Task<IReadOnlyList<string>> DrainAsync(string queue)
    {
        var bodies = new List<string>();
        try
        {
            await using var channel = await connection.CreateChannelAsync();
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                bodies.Add(Encoding.UTF8.GetString(message.Body.Span));
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The queue does not exist (yet).
        }

        return bodies;
    }

    /// <summary>Deletes queues and exchanges of these names (missing ones are fine).</summary>
    public async Task DeleteAsync(IEnumerable<string> queues, IEnumerable<string> exchanges)
    {
        foreach (var queue in queues)
        {
            await Try(channel => channel.QueueDeleteAsync(queue));
        }

        foreach (var exchange in exchanges)
        {
            await Try(channel => channel.ExchangeDeleteAsync(exchange));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await connection.CloseAsync();
        connection.Dispose();
    }

    private async Task Try(Func<IChannel, Task> action)
    {
        try
        {
            await using var channel = await connection.CreateChannelAsync();
            await action(channel);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // Already gone.
        }
    }
}
