using System.Diagnostics;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.RabbitMq;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// Loses nothing across a broker restart: a private RabbitMQ node (the shared broker serves other test runs and is
/// never restarted) is stopped and started in the middle of a stream of events; afterwards every event has reached
/// every target exactly once per message id. The node is started again whatever happens. Runs on the service's
/// default messaging settings.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class BrokerRestartLossTests
{
    private const int Events = 1000;
    private const int StopAfterEvents = 200;
    private const int KeptForAfterTheRestart = 250;
    private const int Batch = 10;
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(20);
    // Kept from the overall budget for the report and the clean-up after waiting for the dispatches.
    private static readonly TimeSpan Reserve = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Overall = TimeSpan.FromSeconds(90);

    [Test]
    public async Task A_broker_restart_mid_stream_loses_no_dispatch()
    {
        if (!PrivateBroker.Available)
        {
            Assert.Ignore("rabbitmq-server is not installed (build/test.sh installs it).");
        }

        await using var node = await PrivateBroker.StartNewAsync(TimeSpan.FromSeconds(60));
        LossConnections.Url = node.Url;
        try
        {
            await RunAsync(node);
        }
        finally
        {
            LossConnections.Url = TestBroker.Url;
        }
    }

    private static async Task RunAsync(PrivateBroker node)
    {
        var clock = Stopwatch.StartNew();
        using var overall = new CancellationTokenSource(Overall);
        await using var broker = new TestBroker(node.Url);
        // The service's default messaging settings: the test proves they lose nothing across a restart.
        var settings = new Dictionary<string, string?>(broker.Settings);
        await using var factory = new DispatcherApiFactory(settings);
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
        TimeSpan stopRequested = default, brokerDown = default, brokerUp = default, streamEnd = default;
        TimeSpan? consumingAgain = null;
        long keptAcrossRestart = 0;
        int deliveredBeforeStop = 0, firstEventAfterRestart = -1;
        bool complete;
        Task restart = Task.CompletedTask, consumerWatch = Task.CompletedTask;
        try
        {
            for (var n = 0; n < Events; n += Batch)
            {
                if (n == StopAfterEvents)
                {
                    deliveredBeforeStop = expectation.Queues.Sum(collector.DistinctIds);
                    stopRequested = clock.Elapsed;
                    // From now on dispatches stay in their durable queues across the restart.
                    collector.Pause();
                    restart = Task.Run(async () =>
                    {
                        await node.StopAsync();
                        brokerDown = clock.Elapsed;
                        await node.StartAsync(TimeSpan.FromSeconds(60));
                        brokerUp = clock.Elapsed;
                    });
                    consumerWatch = Task.Run(async () =>
                    {
                        // When the dispatcher's bus consumes its queue again after the outage.
                        while (producer.ConnectionRecoveredAt is null && !overall.IsCancellationRequested)
                        {
                            await Task.Delay(50);
                        }

                        // What the broker kept across the restart (the dispatcher does not consume again this soon).
                        foreach (var queue in expectation.Queues)
                        {
                            keptAcrossRestart += Math.Max(0, await LossConnections.MessageCountAsync(queue));
                        }

                        collector.Resume();

                        await LossConnections.WaitForConsumerAsync(broker.ServiceQueue, Overall - clock.Elapsed);
                        consumingAgain = clock.Elapsed;
                    });
                }

                // The broker takes a few seconds to begin its shutdown: keep events for after the restart.
                while (n >= Events - KeptForAfterTheRestart && producer.ConnectionLostAt is null && !restart.IsCompleted)
                {
                    await Task.Delay(20, overall.Token);
                }

                if (firstEventAfterRestart < 0 && producer.ConnectionRecoveredAt is not null)
                {
                    firstEventAfterRestart = n;
                }

                await expectation.PublishAsync(producer, flows["snazzy.out"], n, Batch, overall.Token);
                await Task.Delay(BatchInterval, overall.Token);
            }

            streamEnd = clock.Elapsed;
            await restart.WaitAsync(overall.Token);
            complete = await collector.WaitForDistinctAsync(Events, Overall - Reserve - clock.Elapsed);
        }
        finally
        {
            collector.Resume();
            // Whatever happened, the node runs again for the checks below.
            await restart.ContinueWith(_ => { }, TaskScheduler.Default);
            if (!await node.AcceptsAsync())
            {
                await node.StartAsync(TimeSpan.FromSeconds(60));
            }
        }

        await consumerWatch.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        var completedAt = collector.LastNewIdAt();
        var resumed = expectation.Queues
            .SelectMany(collector.Received)
            .Where(d => firstEventAfterRestart >= 0 && d.Event >= firstEventAfterRestart)
            .Select(d => d.At)
            .DefaultIfEmpty(TimeSpan.Zero)
            .Min();
        var backAt = producer.ConnectionRecoveredAt ?? brokerUp;
        await expectation.ReportAsync(nameof(A_broker_restart_mid_stream_loses_no_dispatch), collector,
        [
            $"stop requested at {stopRequested.TotalSeconds:F1} s after {StopAfterEvents} events (distinct dispatches delivered by then: {deliveredBeforeStop})",
            $"dispatches waiting in the target queues right after the restart (kept by the broker; not read during the outage): {keptAcrossRestart}",
            $"connections closed by the broker at {producer.ConnectionLostAt?.TotalSeconds:F1} s; stop script done at {brokerDown.TotalSeconds:F1} s",
            $"broker accepting connections again at {backAt.TotalSeconds:F1} s (outage {(backAt - producer.ConnectionLostAt)?.TotalSeconds:F1} s); start script done at {brokerUp.TotalSeconds:F1} s",
            $"producer: retried publishes {producer.Retries}, returns {producer.Returns}; first failure at {producer.FirstFailureAt?.TotalSeconds:F1} s, resumed at {producer.ResumedAt?.TotalSeconds:F1} s; stream ended at {streamEnd.TotalSeconds:F1} s",
            $"dispatcher consuming its queue again at {consumingAgain?.TotalSeconds:F1} s = {(consumingAgain - backAt)?.TotalSeconds:F1} s after the broker returned",
            $"first dispatch of an event published after the restart (events {firstEventAfterRestart}+) at {resumed.TotalSeconds:F1} s = {(resumed - backAt).TotalSeconds:F1} s after the broker returned",
            $"last new dispatch arrived at {completedAt.TotalSeconds:F1} s = {(completedAt - backAt).TotalSeconds:F1} s after the broker returned (all expected ids there: {complete})",
            $"left in the service queue {await LossConnections.MessageCountAsync(broker.ServiceQueue)}, in its error queue {await LossConnections.MessageCountAsync(broker.ServiceQueue + "_error")}; collector poll errors {collector.Errors}",
        ]);

        expectation.AssertEveryDispatchArrivedOnce(collector);
        (await LossConnections.MessageCountAsync(broker.ServiceQueue + "_error")).Should().BeLessThanOrEqualTo(0, "no event may end in the error queue");
    }
}
