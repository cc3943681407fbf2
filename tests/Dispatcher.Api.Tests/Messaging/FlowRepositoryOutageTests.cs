using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.Messaging.ErrorQueue;
using Dispatcher.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// The Flow Repository is unavailable while a burst of events arrives (target flows cannot be checked or started).
/// Back within the retry budget: every event is dispatched exactly as expected. Budget too small: the events are in
/// the error queue with the reason — dispatched + in the error queue == published, none lost — and a redrive after
/// the outage delivers them.
/// </summary>
[NonParallelizable]
public sealed class FlowRepositoryOutageTests
{
    [Test]
    public async Task A_burst_during_an_outage_shorter_than_the_retry_budget_is_dispatched_completely_and_exactly_once()
    {
        // Budget: 20 retries, 100 ms doubling up to 250 ms: about 4.8 s per event.
        await using var scenario = await MessagingScenario.StartAsync(new Dictionary<string, string?>
        {
            ["Messaging:RetryLimit"] = "20",
            ["Messaging:RetryMinInterval"] = "00:00:00.1",
            ["Messaging:RetryMaxInterval"] = "00:00:00.25",
        });
        using var metrics = MetricsRecorder.For(scenario);
        await scenario.CreateThreeAppExampleAsync();
        var down = true;
        scenario.Flows.Fault = (_, _) => Volatile.Read(ref down) ? ControllableFlowProvisioner.Outage() : null;
        var creates = Enumerable.Range(0, 20).Select(i => $"c{i:00}").ToList();
        var updates = Enumerable.Range(0, 10).Select(i => $"u{i:00}").ToList();

        foreach (var (create, i) in creates.Select((c, i) => (c, i)))
        {
            await scenario.Broker.PublishEventAsync("data-hub.record.created", scenario.Payload("snazzy.out", create));
            if (i < updates.Count)
            {
                await scenario.Broker.PublishEventAsync("data-hub.record.updated", scenario.Payload("snazzy.out", updates[i]));
            }
        }

        // The outage is noticed (several failed calls, i.e. retries under way), then the repository is back.
        await Eventually.HoldsAsync(() => scenario.Flows.Failures >= 6, MessagingScenario.Wait, "the outage is hit");
        (await scenario.InboundCountsAsync()).Should().OnlyContain(c => c.Value == 0, "nothing goes out while target flows cannot be checked");
        Volatile.Write(ref down, false);

        var wiceCreate = await scenario.Broker.ExpectAsync(scenario.Queue("wice.CREATE"), creates.Count, MessagingScenario.Wait);
        var outlookCreate = await scenario.Broker.ExpectAsync(scenario.Queue("outlook.CREATE"), creates.Count, MessagingScenario.Wait);
        var wiceUpdate = await scenario.Broker.ExpectAsync(scenario.Queue("wice.UPDATE"), updates.Count, MessagingScenario.Wait);
        var outlookUpdate = await scenario.Broker.ExpectAsync(scenario.Queue("outlook.UPDATE"), updates.Count, MessagingScenario.Wait);

        wiceCreate.Select(m => m.OihUid()).Should().BeEquivalentTo(creates, "each create exactly once");
        outlookCreate.Select(m => m.OihUid()).Should().BeEquivalentTo(creates);
        wiceUpdate.Select(m => m.OihUid()).Should().BeEquivalentTo(updates);
        outlookUpdate.Select(m => m.OihUid()).Should().BeEquivalentTo(updates);
        (await scenario.Broker.CountAsync(scenario.ErrorQueue)).Should().Be(0, "the outage ended within the retry budget");
        (await scenario.InboundCountsAsync()).Should().OnlyContain(c => c.Value == 0, "nothing else");
        var attempts = metrics.Sum("dispatcher.events.received");
        attempts.Should().BeGreaterThan(creates.Count + updates.Count, "events were retried during the outage");
        metrics.Sum("dispatcher.events.failed").Should().Be(0);
        await TestContext.Out.WriteLineAsync($"{creates.Count + updates.Count} events, {attempts} attempts, {scenario.Flows.Failures} failed flow calls");
    }

    [Test]
    public async Task With_a_budget_too_small_the_events_wait_in_the_error_queue_with_the_reason_and_none_is_lost()
    {
        await using var scenario = await MessagingScenario.StartAsync(new Dictionary<string, string?>
        {
            ["Messaging:RetryLimit"] = "1",
            ["Messaging:RetryMinInterval"] = "00:00:00.05",
            ["Messaging:RetryMaxInterval"] = "00:00:00.05",
        });
        using var metrics = MetricsRecorder.For(scenario);
        await scenario.CreateThreeAppExampleAsync();
        var down = true;
        scenario.Flows.Fault = (_, _) => Volatile.Read(ref down) ? ControllableFlowProvisioner.Outage() : null;
        var duringOutage = Enumerable.Range(0, 10).Select(i => $"o{i:00}").ToList();
        var afterOutage = Enumerable.Range(0, 5).Select(i => $"a{i:00}").ToList();

        foreach (var uid in duringOutage)
        {
            await scenario.Broker.PublishEventAsync("data-hub.record.created", scenario.Payload("snazzy.out", uid));
        }

        await Eventually.HoldsAsync(async () => await scenario.Broker.CountAsync(scenario.ErrorQueue) == duringOutage.Count,
            MessagingScenario.Wait, "every event of the outage in the error queue");
        var errors = await PeekErrorsAsync(scenario);
        errors.Should().HaveCount(duringOutage.Count);
        errors.Should().OnlyContain(e => e.Reason!.Contains("injected outage") && e.ExceptionType!.EndsWith("FlowRepositoryException"));
        errors.Select(e => e.SourceFlowId).Should().OnlyContain(f => f == scenario.FlowIds["snazzy.out"]);
        var raw = await scenario.Broker.PeekAsync(scenario.ErrorQueue);
        raw.Should().OnlyContain(m => m.Header("MT-Fault-RetryCount") == "1", "a transient failure is retried (once here) before it goes to the error queue");
        metrics.Sum("dispatcher.events.failed").Should().Be(duringOutage.Count);
        metrics.Sum("dispatcher.events.received").Should().Be(2 * duringOutage.Count, "one attempt and one retry each");

        // The repository is back: new events flow; the failed ones are still accounted for.
        Volatile.Write(ref down, false);
        foreach (var uid in afterOutage)
        {
            await scenario.Broker.PublishEventAsync("data-hub.record.created", scenario.Payload("snazzy.out", uid));
        }

        var wice = await scenario.Broker.ExpectAsync(scenario.Queue("wice.CREATE"), afterOutage.Count, MessagingScenario.Wait);
        var outlook = await scenario.Broker.ExpectAsync(scenario.Queue("outlook.CREATE"), afterOutage.Count, MessagingScenario.Wait);
        wice.Select(m => m.OihUid()).Should().BeEquivalentTo(afterOutage);
        outlook.Select(m => m.OihUid()).Should().BeEquivalentTo(afterOutage);
        var published = duringOutage.Count + afterOutage.Count;
        (wice.Count + raw.Count).Should().Be(published, "dispatched + in the error queue == published");

        // Redrive them all: none is lost.
        (await scenario.Broker.CountAsync(scenario.ErrorQueue)).Should().Be((uint)duringOutage.Count, "still there");
        var moved = await scenario.Factory.Services.GetRequiredService<ErrorQueueRedriver>().RedriveAsync(null, null, 1000, CancellationToken.None);
        moved.Should().BeEquivalentTo(new { Moved = duringOutage.Count, Kept = 0 }, "the totals (the result also lists each error queue's part)");
        var redriven = await scenario.Broker.ExpectAsync(scenario.Queue("wice.CREATE"), duringOutage.Count, MessagingScenario.Wait);
        var redrivenOutlook = await scenario.Broker.ExpectAsync(scenario.Queue("outlook.CREATE"), duringOutage.Count, MessagingScenario.Wait);
        redriven.Select(m => m.OihUid()).Should().BeEquivalentTo(duringOutage);
        redrivenOutlook.Select(m => m.OihUid()).Should().BeEquivalentTo(duringOutage);
        (await scenario.Broker.CountAsync(scenario.ErrorQueue)).Should().Be(0);
    }

    private static Task<IReadOnlyList<ErrorQueueMessage>> PeekErrorsAsync(MessagingScenario scenario) =>
        scenario.Factory.Services.GetRequiredService<ErrorQueueRedriver>().PeekAsync(1000, CancellationToken.None);
}
