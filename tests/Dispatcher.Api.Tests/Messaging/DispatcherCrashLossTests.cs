using System.Diagnostics;
using Dispatcher.Api.Tests.Support;
using Dispatcher.TestSupport.RabbitMq;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// Loses nothing when a dispatcher instance dies mid-stream: a first instance is killed (a real crash: SIGKILL of a
/// child process) or disposed while events flow, a new instance starts on the same SQLite file and broker names, and
/// every event reaches every target (duplicates only with the same message id).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DispatcherCrashLossTests
{
    private const int Events = 600;
    private const int StopAfterEvents = 300;
    private const int StopBurst = 150;
    private const int Batch = 10;
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(50);
    // Kept from the overall budget for the report and the clean-up after waiting for the dispatches.
    private static readonly TimeSpan Reserve = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Overall = TimeSpan.FromSeconds(75);
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "dispatcher-loss-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A late handle; the temp folder is cleaned by the OS.
        }
    }

    [Test]
    public async Task A_killed_dispatcher_process_loses_no_dispatch_after_a_new_instance_takes_over()
    {
        await RunAsync(nameof(A_killed_dispatcher_process_loses_no_dispatch_after_a_new_instance_takes_over), settings =>
        {
            var child = DispatcherProcess.Start(settings);
            return Task.FromResult(new Instance(child.KillAsync, () => child.Output, child.DisposeAsync));
        });
    }

    [Test]
    public async Task A_dispatcher_process_stopped_gracefully_mid_stream_loses_no_dispatch_after_a_new_instance_takes_over()
    {
        await RunAsync(nameof(A_dispatcher_process_stopped_gracefully_mid_stream_loses_no_dispatch_after_a_new_instance_takes_over), settings =>
        {
            var child = DispatcherProcess.Start(settings);
            return Task.FromResult(new Instance(() => child.TerminateAsync(TimeSpan.FromSeconds(45)), () => child.Output, child.DisposeAsync));
        });
    }

    [Test]
    public async Task A_dispatcher_host_disposed_mid_stream_loses_no_dispatch_after_a_new_instance_takes_over()
    {
        await RunAsync(nameof(A_dispatcher_host_disposed_mid_stream_loses_no_dispatch_after_a_new_instance_takes_over), settings =>
        {
            var factory = new DispatcherApiFactory(settings);
            _ = factory.Services; // starts the host (and its bus)
            return Task.FromResult(new Instance(() => factory.DisposeAsync().AsTask(), () => string.Empty, factory.DisposeAsync));
        });
    }

    private async Task RunAsync(string test, Func<Dictionary<string, string?>, Task<Instance>> startFirst)
    {
        var clock = Stopwatch.StartNew();
        using var overall = new CancellationTokenSource(Overall);
        await using var broker = new TestBroker();
        var database = Path.Combine(_directory, "dispatcher.db");
        var (settings, flows, expectation) = await LossSetup.CreateAsync(broker, database, Events);

        var first = await startFirst(settings);
        DispatcherApiFactory? second = null;
        try
        {
            await LossConnections.WaitForConsumerAsync(broker.ServiceQueue, TimeSpan.FromSeconds(30));
            var firstReady = clock.Elapsed;
            await using var collector = new LossCollector(expectation.Queues, clock);
            collector.Start();
            await using var producer = new LossProducer(broker.Exchange, clock);
            TimeSpan stoppedAt = default, secondReady = default, streamEnd = default;
            var deliveredBeforeStop = 0;
            var backlogAtStop = 0L;
            Task takeOver = Task.CompletedTask;
            for (var n = 0; n < Events;)
            {
                if (n == StopAfterEvents)
                {
                    // A burst the first instance is still working through when it stops.
                    await expectation.PublishAsync(producer, flows["snazzy.out"], n, StopBurst, overall.Token);
                    n += StopBurst;
                    deliveredBeforeStop = expectation.Queues.Sum(collector.DistinctIds);
                    await first.StopAsync();
                    stoppedAt = clock.Elapsed;
                    try
                    {
                        // Only for the report: the broker has noticed the first instance is gone.
                        await LossConnections.WaitForNoConsumerAsync(broker.ServiceQueue, TimeSpan.FromSeconds(15));
                    }
                    catch (TimeoutException e)
                    {
                        await TestContext.Out.WriteLineAsync($"[loss]   {e.Message}");
                    }

                    backlogAtStop = await LossConnections.MessageCountAsync(broker.ServiceQueue);
                    // The new instance starts while the stream goes on.
                    takeOver = Task.Run(async () =>
                    {
                        second = new DispatcherApiFactory(settings);
                        _ = second.Services;
                        await LossConnections.WaitForConsumerAsync(broker.ServiceQueue, TimeSpan.FromSeconds(30));
                        secondReady = clock.Elapsed;
                    });
                }

                await expectation.PublishAsync(producer, flows["snazzy.out"], n, Batch, overall.Token);
                await Task.Delay(BatchInterval, overall.Token);
                n += Batch;
            }

            streamEnd = clock.Elapsed;
            await takeOver.WaitAsync(overall.Token);
            var complete = await collector.WaitForDistinctAsync(Events, Overall - Reserve - clock.Elapsed);
            var completedAt = collector.LastNewIdAt();
            await expectation.ReportAsync(test, collector,
            [
                $"first instance consuming at {firstReady.TotalSeconds:F1} s; events published before it stopped: {StopAfterEvents + StopBurst} (the last {StopBurst} at once), distinct dispatches read by then: {deliveredBeforeStop}",
                $"first instance stopped at {stoppedAt.TotalSeconds:F1} s (events waiting in the service queue then: {backlogAtStop}); second instance consuming at {secondReady.TotalSeconds:F1} s ({(secondReady - stoppedAt).TotalSeconds:F1} s later); stream ended at {streamEnd.TotalSeconds:F1} s",
                $"last new dispatch arrived at {completedAt.TotalSeconds:F1} s = {(completedAt - stoppedAt).TotalSeconds:F1} s after the stop (all expected ids there: {complete}); producer retries {producer.Retries}",
                $"left in the service queue {await LossConnections.MessageCountAsync(broker.ServiceQueue)}, in its error queue {await LossConnections.MessageCountAsync(broker.ServiceQueue + "_error")}",
            ]);
            expectation.AssertEveryDispatchArrivedOnce(collector);
            (await LossConnections.MessageCountAsync(broker.ServiceQueue + "_error")).Should().BeLessThanOrEqualTo(0, "no event may end in the error queue");
        }
        catch (Exception)
        {
            await TestContext.Out.WriteLineAsync($"first instance output:{Environment.NewLine}{first.Output()}");
            throw;
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    /// <summary>A first dispatcher instance: how to stop it abruptly, its output, and its clean-up.</summary>
    private sealed record Instance(Func<Task> StopAsync, Func<string> Output, Func<ValueTask> DisposeAsync);
}
