using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Messaging;
using Dispatcher.Infrastructure.Messaging.Ordering;
using Dispatcher.TestSupport;
using Dispatcher.TestSupport.RabbitMq;
using RabbitMQ.Client;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// <c>Messaging:Ordering=PerRecord</c> on the real broker, one instance: the topology it declares, failures that end in
/// the input queue's one error queue with their reason (and come back through the input queue on redrive), and an
/// input queue declared without single active consumer stopping the start with one message naming it.
/// </summary>
[NonParallelizable]
public sealed class OrderedModeTests
{
    private const int Partitions = 4;
    private readonly ConcurrentDictionary<FlowId, bool> _broken = new();

    [Test]
    public async Task Failed_events_go_to_the_input_error_queue_with_their_reason_and_a_redrive_brings_them_back_through_the_input_queue()
    {
        await using var scenario = await StartAsync();
        var flows = scenario.FlowIds;
        var wiceCreate = FlowId.Parse(flows["wice.CREATE"]);
        _broken[wiceCreate] = true;
        foreach (var partition in Enumerable.Range(0, Partitions))
        {
            scenario.Broker.Track(OrderedPartitioning.QueueName(scenario.Broker.ServiceQueue, partition) + "_error");
        }

        string[] fromSnazzy = ["s1", "s2", "s3"];
        foreach (var uid in fromSnazzy)
        {
            await scenario.Broker.PublishEventAsync("data-hub.record.created", scenario.Payload("snazzy.out", uid));
        }

        await scenario.Broker.PublishEventAsync("data-hub.record.created", """{"meta":{"flowId":"a.b","oihUid":"m1"},"data":{}}""");
        await scenario.Broker.PublishEventAsync("data-hub.record.created", scenario.Payload("wice.out", "w1"));

        // Another record's event is not held up by the failing ones.
        (await scenario.Broker.ExpectAsync(scenario.Queue("snazzy.CREATE"), 1, MessagingScenario.Wait)).Select(m => m.OihUid()).Should().Equal("w1");
        await Eventually.HoldsAsync(async () => await scenario.Broker.CountAsync(scenario.ErrorQueue) == 4,
            MessagingScenario.Wait, "3 failed starts and 1 malformed event in the input queue's error queue");
        foreach (var partition in Enumerable.Range(0, Partitions))
        {
            var queue = OrderedPartitioning.QueueName(scenario.Broker.ServiceQueue, partition);
            (await scenario.Broker.QueueExistsAsync(queue + "_error")).Should().BeFalse("partition failures go to the one error queue, not to {0}_error", queue);
            (await scenario.Broker.CountAsync(queue)).Should().Be(0);
        }

        using var admin = scenario.AdminClient();
        var listed = await ListAsync(admin);
        listed.Should().HaveCount(4);
        listed.Where(m => m["sourceFlowId"]?.GetValue<string>() == flows["snazzy.out"]).Should().HaveCount(3)
            .And.OnlyContain(m => m["reason"]!.GetValue<string>().Contains("injected failure"));
        listed.Should().ContainSingle(m => m["reason"]!.GetValue<string>().Contains("not a valid flow id: 'a.b'"));

        _broken.TryRemove(wiceCreate, out _);
        using var redrive = await admin.PostAsync($"/admin/error-queue/redrive?sourceFlowId={flows["snazzy.out"]}", null);
        redrive.IsSuccessStatusCode.Should().BeTrue(await redrive.Content.ReadAsStringAsync());
        var wice = await scenario.Broker.ExpectAsync(scenario.Queue("wice.CREATE"), 3, MessagingScenario.Wait);
        wice.Select(m => m.OihUid()).Should().BeEquivalentTo(fromSnazzy, "the redriven events went through the input queue and their partitions again");
        (await ListAsync(admin)).Should().ContainSingle().Which["reason"]!.GetValue<string>().Should().Contain("not a valid flow id");
    }

    [Test]
    public async Task The_input_and_partition_queues_are_declared_with_single_active_consumer()
    {
        await using var scenario = await StartAsync();

        await using var connection = await new ConnectionFactory { Uri = new Uri(scenario.Broker.BrokerUrl) }.CreateConnectionAsync();
        foreach (var queue in new[] { scenario.Broker.ServiceQueue }.Concat(Enumerable.Range(0, Partitions).Select(p => OrderedPartitioning.QueueName(scenario.Broker.ServiceQueue, p))))
        {
            // A declare with the same arguments is accepted, one without single active consumer refused: the queue has it.
            await using (var same = await connection.CreateChannelAsync())
            {
                await same.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                    arguments: new Dictionary<string, object?> { [OrderedPartitioning.SingleActiveConsumerArgument] = true });
            }

            await using var other = await connection.CreateChannelAsync();
            var plain = () => other.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            (await plain.Should().ThrowAsync<RabbitMQ.Client.Exceptions.OperationInterruptedException>()).Which.Message
                .Should().Contain("x-single-active-consumer", "{0} is a single-active-consumer queue", queue);
        }
    }

    [Test]
    public async Task An_input_queue_without_single_active_consumer_stops_the_start_with_one_message_naming_it()
    {
        await using var broker = new TestBroker();
        // Opens the broker's own connection, without which its disposal deletes nothing.
        await broker.QueueExistsAsync(broker.ServiceQueue);
        await using (var connection = await new ConnectionFactory { Uri = new Uri(broker.BrokerUrl) }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            // As Ordering=None (or the platform's own dispatcher) left it.
            await channel.QueueDeclareAsync(broker.ServiceQueue, durable: true, exclusive: false, autoDelete: false);
        }

        var start = () => MessagingScenario.StartAsync(Settings(), broker);

        var failure = (await start.Should().ThrowAsync<Exception>()).Which;
        var mismatch = Chain(failure).OfType<QueueTypeMismatchException>().Should().ContainSingle().Subject;
        mismatch.Mismatches.Should().ContainSingle().Which.Should()
            .StartWith($"Queue '{broker.ServiceQueue}' exists on the broker with another x-single-active-consumer than Messaging:Ordering=PerRecord needs (true)").And
            .Contain("inequivalent arg 'x-single-active-consumer'").And.Contain("let the queue drain, delete it");
    }

    private static Dictionary<string, string?> Settings() => new()
    {
        ["Messaging:Ordering"] = "PerRecord",
        ["Messaging:OrderedPartitions"] = Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Messaging:RetryLimit"] = "1",
        ["Messaging:RetryMinInterval"] = "00:00:00.05",
        ["Messaging:RetryMaxInterval"] = "00:00:00.1",
    };

    private async Task<MessagingScenario> StartAsync()
    {
        _broken.Clear();
        var scenario = await MessagingScenario.StartAsync(Settings());
        foreach (var partition in Enumerable.Range(0, Partitions))
        {
            scenario.Broker.Track(OrderedPartitioning.QueueName(scenario.Broker.ServiceQueue, partition));
        }

        scenario.Flows.Fault = (operation, flowId) => operation == "start" && _broken.ContainsKey(flowId)
            ? new FlowRepositoryException(FlowFailure.Failed, "The Flow Repository answered 500 to the start call: injected failure.")
            : null;
        await scenario.CreateThreeAppExampleAsync();
        // Tracks every dispatch queue of the example, so the scenario's disposal deletes them.
        await scenario.InboundCountsAsync();
        return scenario;
    }

    private static async Task<List<JsonNode>> ListAsync(HttpClient admin)
    {
        var body = await admin.GetFromJsonAsync<JsonNode>("/admin/error-queue");
        var items = body!["data"] as JsonArray ?? body as JsonArray ?? throw new InvalidOperationException(body.ToJsonString());
        return [.. items.Select(i => i!)];
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }
}
