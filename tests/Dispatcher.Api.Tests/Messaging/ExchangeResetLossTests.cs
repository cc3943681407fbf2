using System.Diagnostics;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.RabbitMq;
using RabbitMQ.Client;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// Loses nothing when the event-bus exchange disappears for a moment mid-stream (deleted and re-declared, as when an
/// operator resets the broker's definitions): the dispatcher's publishes to the missing exchange make the broker close
/// their channels (404), which the connection's automatic recovery does not reopen. The dispatcher must heal by itself:
/// replace those channels, declare the exchange again, and re-bind the target queues whose bindings went with it.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ExchangeResetLossTests
{
    private const int Events = 600;
    private const int ResetAfterEvents = 200;
    private const int ResetBurst = 100;
    private const int Batch = 10;
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(300);
    // Kept from the overall budget for the report and the clean-up after waiting for the dispatches.
    private static readonly TimeSpan Reserve = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Overall = TimeSpan.FromSeconds(75);

    [Test]
    public async Task An_event_bus_exchange_deleted_and_restored_mid_stream_loses_no_dispatch()
    {
        var clock = Stopwatch.StartNew();
        using var overall = new CancellationTokenSource(Overall);
        await using var broker = new TestBroker();
        await using var factory = new DispatcherApiFactory(broker.Settings);
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        await broker.WaitForQueueAsync(broker.ServiceQueue, TimeSpan.FromSeconds(15));
        var expectation = new LossExpectation(Events, new Dictionary<string, string>
        {
            [$"dispatch.{flows["wice.CREATE"]}"] = flows["wice.CREATE"],
            [$"dispatch.{flows["outlook.CREATE"]}"] = flows["outlook.CREATE"],
        });
        foreach (var queue in expectation.Queues)
        {
            broker.Track(queue);
        }

        await using var collector = new LossCollector(expectation.Queues, clock);
        collector.Start();
        await using var producer = new LossProducer(broker.Exchange, clock);
        TimeSpan resetAt = default, restoredAt = default;
        var deliveredBeforeReset = 0;
        for (var n = 0; n < Events;)
        {
            if (n == ResetAfterEvents)
            {
                deliveredBeforeReset = expectation.Queues.Sum(collector.DistinctIds);
                await using var connection = await LossConnections.Factory("dispatcher-loss-tests-admin").CreateConnectionAsync();
                await using var channel = await connection.CreateChannelAsync();
                // A burst the dispatcher is still working through when the exchange goes away.
                await expectation.PublishAsync(producer, flows["snazzy.out"], n, ResetBurst, overall.Token);
                await channel.ExchangeDeleteAsync(broker.Exchange);
                resetAt = clock.Elapsed;
                await Task.Delay(Gap, overall.Token);
                await RestoreExchangeAsync(channel, broker);
                restoredAt = clock.Elapsed;
                n += ResetBurst;
                continue;
            }

            await expectation.PublishAsync(producer, flows["snazzy.out"], n, Batch, overall.Token);
            await Task.Delay(BatchInterval, overall.Token);
            n += Batch;
        }

        var streamEnd = clock.Elapsed;
        var complete = await collector.WaitForDistinctAsync(Events, Overall - Reserve - clock.Elapsed);
        var completedAt = collector.LastNewIdAt();
        await expectation.ReportAsync(nameof(An_event_bus_exchange_deleted_and_restored_mid_stream_loses_no_dispatch), collector,
        [
            $"exchange deleted at {resetAt.TotalSeconds:F1} s after {ResetAfterEvents + ResetBurst} events (distinct dispatches delivered by then: {deliveredBeforeReset}); declared again with the service queue's bindings at {restoredAt.TotalSeconds:F1} s",
            $"producer: retried publishes {producer.Retries}, returns {producer.Returns}; stream ended at {streamEnd.TotalSeconds:F1} s",
            $"last new dispatch arrived at {completedAt.TotalSeconds:F1} s = {(completedAt - restoredAt).TotalSeconds:F1} s after the exchange was back (all expected ids there: {complete})",
            $"left in the service queue {await LossConnections.MessageCountAsync(broker.ServiceQueue)}, in its error queue {await LossConnections.MessageCountAsync(broker.ServiceQueue + "_error")}",
        ]);

        expectation.AssertEveryDispatchArrivedOnce(collector);
        (await LossConnections.MessageCountAsync(broker.ServiceQueue + "_error")).Should().BeLessThanOrEqualTo(0, "no event may end in the error queue");
    }

    /// <summary>
    /// Declares the exchange again and restores the service queue's bindings (the bus binds its queue's exchange to the
    /// event bus per event name and cannot know they went away). The target queues' bindings are left to the dispatcher.
    /// </summary>
    private static async Task RestoreExchangeAsync(IChannel channel, TestBroker broker)
    {
        await channel.ExchangeDeclareAsync(broker.Exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        foreach (var eventName in new[] { "data-hub.record.created", "data-hub.record.updated", "data-hub.record.deleted" })
        {
            await channel.ExchangeBindAsync(broker.ServiceQueue, broker.Exchange, eventName);
        }
    }
}
