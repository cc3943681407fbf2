using Dispatcher.TestSupport;
namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// A well-formed event that routes nowhere is not an error: it is acknowledged (gone from the queue, not in the error
/// queue) and counted as unrouted with the reason.
/// </summary>
[NonParallelizable]
public sealed class UnroutedEventTests
{
    [Test]
    public async Task Events_from_an_unknown_or_inactive_source_or_without_targets_are_acknowledged_and_counted_as_unrouted()
    {
        await using var scenario = await MessagingScenario.StartAsync();
        using var metrics = MetricsRecorder.For(scenario);
        var flows = await scenario.CreateThreeAppExampleAsync();

        await scenario.Broker.PublishEventAsync("data-hub.record.created", """{"meta":{"flowId":"nosuchflow000001","oihUid":"u1"},"data":{"x":1}}""");
        await scenario.Broker.PublishEventAsync("data-hub.record.updated", """{"meta":{"flowId":"nosuchflow000002","oihUid":"u2"},"data":{"x":2}}""");
        await scenario.Broker.PublishEventAsync("data-hub.record.created", $$$"""{"meta":{"flowId":"{{{flows["outlook.out"]}}}","oihUid":"u3"},"data":{}}""");
        await scenario.Broker.PublishEventAsync("data-hub.record.deleted", $$$"""{"meta":{"flowId":"{{{flows["snazzy.out"]}}}","oihUid":"u4"},"data":{}}""");

        await Eventually.HoldsAsync(() => metrics.Sum("dispatcher.events.unrouted") == 4, MessagingScenario.Wait, "all four counted as unrouted");
        metrics.ByTag("dispatcher.events.unrouted", "reason").Should().BeEquivalentTo(new Dictionary<string, long>
        {
            ["UnknownSource"] = 2,
            ["SourceInactive"] = 1,
            ["NoMatchingTarget"] = 1,
        });

        // Stop the service: a message it had not acknowledged would now be back in the queue.
        await scenario.StopServiceAsync();
        (await scenario.Broker.CountAsync(scenario.Broker.ServiceQueue)).Should().Be(0, "every unrouted event was acknowledged");
        (await scenario.Broker.CountAsync(scenario.ErrorQueue)).Should().Be(0, "an unrouted event is not an error");
        metrics.Sum("dispatcher.events.failed").Should().Be(0);
        metrics.Sum("dispatcher.dispatches.published").Should().Be(0);
        (await scenario.InboundCountsAsync()).Should().OnlyContain(c => c.Value == 0, "nothing was dispatched");
    }
}
