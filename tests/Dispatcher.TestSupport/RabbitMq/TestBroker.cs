using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;

namespace Dispatcher.TestSupport.RabbitMq;

/// <summary>
/// The real RabbitMQ of the test run (started by build/test.sh; URL from <c>DISPATCHER_RABBITMQ</c>), with isolated
/// names per test (exchange and service queue get a unique suffix) and plain RabbitMQ.Client helpers to publish
/// events as the platform does and to read dispatches.
/// </summary>
public sealed class TestBroker : IAsyncDisposable
{
    private readonly List<string> _queues = [];
    private IConnection? _connection;

    /// <summary>Isolated names on the shared test broker, or on the broker at <paramref name="url"/> (a private node).</summary>
    public TestBroker(string? url = null)
    {
        BrokerUrl = url ?? Url;
        var suffix = Guid.NewGuid().ToString("N")[..10];
        Exchange = $"event-bus-{suffix}";
        ServiceQueue = $"dispatcher-service-{suffix}";
    }

    /// <summary>The broker URL.</summary>
    public static string Url => Environment.GetEnvironmentVariable("DISPATCHER_RABBITMQ") is { Length: > 0 } url
        ? url
        : "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>The virtual host of <see cref="Url"/> (build/test.sh gives each run its own): "/" when the URL names none.</summary>
    public static string VirtualHost => new Uri(Url).AbsolutePath is { Length: > 1 } path ? Uri.UnescapeDataString(path[1..]) : "/";

    /// <summary>The URL of the broker this instance works on.</summary>
    public string BrokerUrl { get; }

    /// <summary>This test's event bus exchange.</summary>
    public string Exchange { get; }

    /// <summary>This test's service queue.</summary>
    public string ServiceQueue { get; }

    /// <summary>The settings that point the service at this broker and these names.</summary>
    public IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Messaging:RabbitMqUrl"] = BrokerUrl,
        ["Messaging:Exchange"] = Exchange,
        ["Messaging:Queue"] = ServiceQueue,
    };

    /// <summary>Publishes an event the way the platform's event bus does: raw JSON, persistent, no content type.</summary>
    public async Task PublishEventAsync(string eventName, string payloadJson, IDictionary<string, object?>? headers = null)
    {
        var body = $$$"""{"headers":{"name":"{{{eventName}}}","createdAt":{{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}},"serviceName":"data-hub"},"payload":{{{payloadJson}}}}""";
        await PublishRawAsync(eventName, Encoding.UTF8.GetBytes(body), headers);
    }

    /// <summary>Publishes any bytes with a routing key on the exchange (for malformed-input tests).</summary>
    public async Task PublishRawAsync(string routingKey, byte[] body, IDictionary<string, object?>? headers = null)
    {
        await using var channel = await (await ConnectionAsync()).CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        var properties = new BasicProperties { Persistent = true, Headers = headers };
        await channel.BasicPublishAsync(Exchange, routingKey, mandatory: false, properties, body);
    }

    /// <summary>Waits until the service's queue exists (the bus has started and declared it).</summary>
    public async Task WaitForQueueAsync(string queue, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var channel = await (await ConnectionAsync()).CreateChannelAsync();
                await channel.QueueDeclarePassiveAsync(queue);
                Track(queue);
                return;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) when (watch.Elapsed < timeout)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Takes every message now in <paramref name="queue"/> (acknowledged), or none when it does not exist.</summary>
    public async Task<List<BasicGetResult>> DrainAsync(string queue)
    {
        Track(queue);
        var messages = new List<BasicGetResult>();
        try
        {
            await using var channel = await (await ConnectionAsync()).CreateChannelAsync();
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                messages.Add(message);
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The queue does not exist: nothing was ever dispatched there.
        }

        return messages;
    }

    /// <summary>
    /// Reads every message now in <paramref name="queue"/> without removing any (unacknowledged gets; they return to
    /// the queue when the channel closes), or none when the queue does not exist.
    /// </summary>
    public async Task<List<BasicGetResult>> PeekAsync(string queue)
    {
        Track(queue);
        var messages = new List<BasicGetResult>();
        try
        {
            await using var channel = await (await ConnectionAsync()).CreateChannelAsync();
            while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
            {
                messages.Add(message);
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The queue does not exist.
        }

        return messages;
    }

    /// <summary>How many messages are ready in <paramref name="queue"/> (0 when it does not exist).</summary>
    public async Task<uint> CountAsync(string queue)
    {
        Track(queue);
        try
        {
            await using var channel = await (await ConnectionAsync()).CreateChannelAsync();
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return 0;
        }
    }

    /// <summary>Polls <paramref name="queue"/> until it holds <paramref name="count"/> messages, then drains them.</summary>
    public async Task<List<BasicGetResult>> ExpectAsync(string queue, int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (await CountAsync(queue) < count && watch.Elapsed < timeout)
        {
            await Task.Delay(50);
        }

        return await DrainAsync(queue);
    }

    /// <summary>Whether <paramref name="queue"/> exists now.</summary>
    public async Task<bool> QueueExistsAsync(string queue)
    {
        Track(queue);
        try
        {
            await using var channel = await (await ConnectionAsync()).CreateChannelAsync();
            await channel.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }

    /// <summary>Deletes <paramref name="queue"/> now (e.g. to make dispatches to it unroutable).</summary>
    public async Task DeleteQueueAsync(string queue)
    {
        await using var channel = await (await ConnectionAsync()).CreateChannelAsync();
        await channel.QueueDeleteAsync(queue);
    }

    /// <summary>Remembers a queue to delete at the end.</summary>
    public void Track(string queue)
    {
        lock (_queues)
        {
            if (!_queues.Contains(queue))
            {
                _queues.Add(queue);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is null)
        {
            return;
        }

        try
        {
            await using var channel = await _connection.CreateChannelAsync();
            foreach (var queue in _queues.Concat([ServiceQueue, $"{ServiceQueue}_error", $"{ServiceQueue}_skipped", $"{ServiceQueue}-record-changed", $"{ServiceQueue}-record-changed_error"]).Distinct())
            {
                await channel.QueueDeleteAsync(queue);
                await channel.ExchangeDeleteAsync(queue);
            }

            await channel.ExchangeDeleteAsync(Exchange);
        }
        catch (Exception)
        {
            // Best effort: names are unique per test, leftovers do not interfere.
        }

        await _connection.DisposeAsync();
    }

    private async Task<IConnection> ConnectionAsync() =>
        _connection ??= await new ConnectionFactory { Uri = new Uri(BrokerUrl), ClientProvidedName = "dispatcher-tests" }.CreateConnectionAsync();
}
