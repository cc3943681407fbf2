using System.Diagnostics;
using System.Text;
using Dispatcher.TestSupport;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// Poison and malformed messages on the event bus go to the error queue at once, each with a reason naming its
/// problem, never retried and never dropped, while good events published between them all flow.
/// </summary>
[NonParallelizable]
public sealed class PoisonEventTests
{
    private const int MaxHops = 3;
    private const int Good = 20;
    private MessagingScenario _scenario = null!;
    private MetricsRecorder? _metrics;

    [SetUp]
    public async Task SetUp()
    {
        // Retries that would be visible: a retried message would reach the error queue only after 1 + 2 + 2 s.
        _scenario = await MessagingScenario.StartAsync(new Dictionary<string, string?>
        {
            ["Messaging:RetryLimit"] = "3",
            ["Messaging:RetryMinInterval"] = "00:00:01",
            ["Messaging:RetryMaxInterval"] = "00:00:02",
            ["Dispatch:MaxHops"] = MaxHops.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _metrics = MetricsRecorder.For(_scenario);
        await _scenario.CreateThreeAppExampleAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        _metrics?.Dispose();
        if (_scenario is not null)
        {
            await _scenario.DisposeAsync();
        }
    }

    [Test]
    public async Task Bad_messages_land_in_the_error_queue_with_their_reason_at_once_and_good_ones_all_flow()
    {
        var source = _scenario.FlowIds["snazzy.out"];
        Poison[] poisons =
        [
            new("invalid JSON", Raw("""{"headers":{"name":"data-hub.record.created"},"payload":{"meta":"""), null,
                "not valid JSON", "MalformedEventException"),
            new("JSON array", Raw("""["data-hub.record.created",{"meta":{}}]"""), null,
                "is a JSON array, not an object", "MalformedEventException"),
            new("JSON null", Raw("null"), null,
                "is a JSON null, not an object", "MalformedEventException"),
            new("no payload", Raw("""{"headers":{"name":"data-hub.record.created"}}"""), null,
                "no payload object", "MalformedEventException"),
            new("no meta.flowId", Event("data-hub.record.created", """{"meta":{"oihUid":"bad-noflow"},"data":{}}"""), null,
                "no 'meta.flowId'", "MalformedEventException"),
            new("invalid flowId", Event("data-hub.record.created", """{"meta":{"flowId":"a.b","oihUid":"bad-flowid"},"data":{}}"""), null,
                "not a valid flow id: 'a.b'", "MalformedEventException"),
            new("unknown event name", Event("something.else", $$$"""{"meta":{"flowId":"{{{source}}}","oihUid":"bad-name"},"data":{}}"""), null,
                "Unknown event name 'something.else'", "MalformedEventException"),
            new("hop limit", Event("data-hub.record.created", _scenario.Payload("snazzy.out", "bad-hops")), MaxHops,
                $"the limit is {MaxHops} (Dispatch:MaxHops)", "HopLimitExceededException"),
        ];

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Good; i++)
        {
            await _scenario.Broker.PublishRawAsync("data-hub.record.created", Event("data-hub.record.created", _scenario.Payload("snazzy.out", $"good-{i:00}")));
            if (i < poisons.Length)
            {
                // Every poison is published with the bound routing key, so it does reach the service's queue.
                var poison = poisons[i];
                await _scenario.Broker.PublishRawAsync("data-hub.record.created", poison.Body,
                    poison.Hops is { } hops ? new Dictionary<string, object?> { ["x-dispatcher-hops"] = hops } : null);
            }
        }

        // One hop below the limit still goes through (and its copies carry the limit).
        await _scenario.Broker.PublishRawAsync("data-hub.record.created", Event("data-hub.record.created", _scenario.Payload("snazzy.out", "good-edge")),
            new Dictionary<string, object?> { ["x-dispatcher-hops"] = MaxHops - 1 });

        await Eventually.HoldsAsync(async () => await _scenario.Broker.CountAsync(_scenario.ErrorQueue) >= poisons.Length,
            MessagingScenario.Wait, $"all {poisons.Length} bad messages in the error queue");
        var errorsAfter = watch.Elapsed;
        var wice = await _scenario.Broker.ExpectAsync(_scenario.Queue("wice.CREATE"), Good + 1, MessagingScenario.Wait);
        var outlook = await _scenario.Broker.ExpectAsync(_scenario.Queue("outlook.CREATE"), Good + 1, MessagingScenario.Wait);
        var errors = await _scenario.Broker.DrainAsync(_scenario.ErrorQueue);
        await TestContext.Out.WriteLineAsync($"{poisons.Length} bad messages in the error queue after {errorsAfter.TotalMilliseconds:F0} ms");

        var expectedGood = Enumerable.Range(0, Good).Select(i => $"good-{i:00}").Append("good-edge").ToList();
        wice.Select(m => m.OihUid()).Should().BeEquivalentTo(expectedGood, "every good event is dispatched exactly once");
        outlook.Select(m => m.OihUid()).Should().BeEquivalentTo(expectedGood);
        wice.Single(m => m.OihUid() == "good-edge").Header("x-dispatcher-hops").Should().Be(MaxHops.ToString(System.Globalization.CultureInfo.InvariantCulture));

        errors.Should().HaveCount(poisons.Length, "exactly the bad messages are in the error queue");
        foreach (var poison in poisons)
        {
            var error = errors.Where(e => e.Body.Span.SequenceEqual(poison.Body)).Should().ContainSingle(poison.Name).Subject;
            error.Header("MT-Fault-Message").Should().Contain(poison.Reason, poison.Name);
            error.Header("MT-Fault-ExceptionType").Should().EndWith(poison.ExceptionType, poison.Name);
            error.Header("MT-Fault-RetryCount").Should().BeNull($"{poison.Name} is a permanent failure and is not retried");
            error.Header("MT-Reason").Should().Be("fault");
        }

        // Each bad message was handled exactly once (a retry would have counted it again), and each is counted as failed.
        _metrics!.Sum("dispatcher.events.received").Should().Be(Good + 1 + poisons.Length);
        _metrics!.Sum("dispatcher.events.failed").Should().Be(poisons.Length);
        errorsAfter.Should().BeLessThan(TimeSpan.FromSeconds(4), "no retry delays (a single retry of one would take 1 s, all of them 5 s)");
        (await _scenario.Broker.CountAsync($"{_scenario.Broker.ServiceQueue}_skipped")).Should().Be(0, "nothing is skipped");
        (await _scenario.Broker.CountAsync(_scenario.Broker.ServiceQueue)).Should().Be(0);
        (await _scenario.InboundCountsAsync()).Should().OnlyContain(c => c.Value == 0);
    }

    private static byte[] Raw(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Event(string name, string payload) =>
        Raw($$$"""{"headers":{"name":"{{{name}}}","createdAt":1700000000000,"serviceName":"data-hub"},"payload":{{{payload}}}}""");

    private sealed record Poison(string Name, byte[] Body, int? Hops, string Reason, string ExceptionType);
}
