using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Dispatcher.LoadTest;

/// <summary>
/// The baseline: a minimal relay on RabbitMQ.Client that does what the dispatcher does on the wire and nothing else.
/// It consumes the event queue (prefetch 64, 32 events at once — the dispatcher's defaults), publishes one copy of the
/// body per routing key (persistent, mandatory, publisher confirms awaited, spread over 4 confirm channels as the
/// dispatcher's publisher does) and acknowledges the event once every copy is confirmed. No parsing, no routing.
/// </summary>
public static class Relay
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(options.Amqp),
            ConsumerDispatchConcurrency = (ushort)options.Concurrency,
            ClientProvidedName = "bench-relay",
        };
        await using var connection = await factory.CreateConnectionAsync();
        var channelOptions = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);
        var publishers = new IChannel[options.Channels];
        for (var i = 0; i < publishers.Length; i++)
        {
            publishers[i] = await connection.CreateChannelAsync(channelOptions);
        }

        await using var consume = await connection.CreateChannelAsync();
        await consume.BasicQosAsync(0, (ushort)options.Prefetch, global: false);
        var next = 0;
        var consumer = new AsyncEventingBasicConsumer(consume);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var copies = new Task[options.Keys.Length];
            for (var i = 0; i < copies.Length; i++)
            {
                var channel = publishers[(int)((uint)Interlocked.Increment(ref next) % (uint)publishers.Length)];
                var properties = new BasicProperties { Persistent = true, MessageId = Guid.NewGuid().ToString() };
                copies[i] = channel.BasicPublishAsync(options.Exchange, options.Keys[i], mandatory: true, properties, delivery.Body).AsTask();
            }

            await Task.WhenAll(copies);
            await consume.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await consume.BasicConsumeAsync(options.Queue, autoAck: false, consumer);
        Console.WriteLine("relay ready");

        // Runs until stdin closes or SIGTERM.
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.TrySetResult();
            });
        await stop.Task;
        foreach (var channel in publishers)
        {
            await channel.CloseAsync();
        }

        return 0;
    }
}
