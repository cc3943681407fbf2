using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Messaging;
using Dispatcher.Infrastructure.Messaging.Dispatch;
using Dispatcher.TestSupport.RabbitMq;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// <c>Messaging:QueueType</c> on the real broker, read back from its management API (field <c>type</c>): quorum gives
/// quorum input, error and dispatch queues and still dispatches; the default stays classic with no arguments; a queue
/// that exists with the other type stops the start (or the dispatch) with one message naming it.
/// </summary>
[NonParallelizable]
public sealed class QueueTypeTests
{
    private static readonly Uri Management = new("http://127.0.0.1:15672/");

    [Test]
    public async Task Quorum_declares_the_input_error_skipped_and_dispatch_queues_as_quorum_and_dispatches_end_to_end()
    {
        await using var scenario = await MessagingScenario.StartAsync(new Dictionary<string, string?> { ["Messaging:QueueType"] = "Quorum" });
        await scenario.CreateThreeAppExampleAsync();
        await scenario.Broker.PublishEventAsync("data-hub.record.created", scenario.Payload("snazzy.out", "q1"));
        // A body that is no event goes to the error queue at once; an unknown message type on the contract queue to its _skipped queue.
        await scenario.Broker.PublishRawAsync("data-hub.record.created", Encoding.UTF8.GetBytes("not json"));
        await SendUnknownContractAsync(scenario.Broker, scenario.RecordChangedQueue);

        (await scenario.Broker.ExpectAsync(scenario.Queue("wice.CREATE"), 1, MessagingScenario.Wait)).Should().ContainSingle();
        (await scenario.Broker.ExpectAsync(scenario.ErrorQueue, 1, MessagingScenario.Wait)).Should().ContainSingle();
        (await scenario.Broker.ExpectAsync($"{scenario.RecordChangedQueue}_skipped", 1, MessagingScenario.Wait)).Should().ContainSingle();
        foreach (var queue in new[]
                 {
                     scenario.Broker.ServiceQueue, scenario.ErrorQueue, scenario.RecordChangedQueue,
                     $"{scenario.RecordChangedQueue}_skipped", scenario.Queue("wice.CREATE"), scenario.Queue("outlook.CREATE"),
                 })
        {
            var info = await QueueAsync(queue);
            info["type"]!.GetValue<string>().Should().Be("quorum", "{0} is declared as configured", queue);
            info["durable"]!.GetValue<bool>().Should().BeTrue();
            info["auto_delete"]!.GetValue<bool>().Should().BeFalse();
        }

        await AssertTemporaryQueuesStayClassicAsync();
    }

    [Test]
    public async Task The_default_declares_classic_queues_without_arguments_as_the_platform_does()
    {
        await using var scenario = await MessagingScenario.StartAsync();
        await scenario.CreateThreeAppExampleAsync();
        await scenario.Broker.PublishEventAsync("data-hub.record.created", scenario.Payload("snazzy.out", "c1"));
        await scenario.Broker.PublishRawAsync("data-hub.record.created", Encoding.UTF8.GetBytes("not json"));

        (await scenario.Broker.ExpectAsync(scenario.Queue("wice.CREATE"), 1, MessagingScenario.Wait)).Should().ContainSingle();
        (await scenario.Broker.ExpectAsync(scenario.ErrorQueue, 1, MessagingScenario.Wait)).Should().ContainSingle();
        foreach (var queue in new[] { scenario.Broker.ServiceQueue, scenario.ErrorQueue, scenario.RecordChangedQueue, scenario.Queue("wice.CREATE") })
        {
            var info = await QueueAsync(queue);
            info["type"]!.GetValue<string>().Should().Be("classic", "{0} keeps the default type", queue);
            info["arguments"]!.AsObject().Should().BeEmpty("{0} is declared with the event bus's flags and no arguments", queue);
        }

        await AssertTemporaryQueuesStayClassicAsync();
    }

    [TestCase("Quorum", "classic")]
    [TestCase("Classic", "quorum")]
    public async Task An_input_queue_of_the_other_type_stops_the_start_with_one_message_naming_it(string configured, string existing)
    {
        await using var broker = new TestBroker();
        await DeclareAsync(broker.BrokerUrl, broker.ServiceQueue, existing);

        var start = () => MessagingScenario.StartAsync(new Dictionary<string, string?> { ["Messaging:QueueType"] = configured }, broker);

        var failure = (await start.Should().ThrowAsync<Exception>()).Which;
        var mismatch = Chain(failure).OfType<QueueTypeMismatchException>().Should().ContainSingle("the start fails because of the queue type").Subject;
        mismatch.Mismatches.Should().ContainSingle().Which.Should()
            .StartWith($"Queue '{broker.ServiceQueue}' exists on the broker with another type than Messaging:QueueType={configured}").And
            .Contain("inequivalent arg 'x-queue-type'").And.Contain("Delete or migrate the queue");
        (await QueueAsync(broker.ServiceQueue))["type"]!.GetValue<string>().Should().Be(existing, "the existing queue is left as it is");
    }

    [Test]
    public async Task A_dispatch_queue_of_the_other_type_fails_the_dispatch_with_one_message_naming_it()
    {
        await using var broker = new TestBroker();
        var flowId = FlowId.Parse("65f0000000000000000000aa");
        var queue = $"dispatch.{flowId}";
        broker.Track(queue);
        await DeclareAsync(broker.BrokerUrl, queue, "classic");
        await using var publisher = new RabbitMqDispatchPublisher(
            Options.Create(new MessagingOptions { RabbitMqUrl = broker.BrokerUrl, Exchange = broker.Exchange, QueueType = QueueType.Quorum }),
            TimeProvider.System, NullLogger<RabbitMqDispatchPublisher>.Instance);

        var ensure = () => publisher.EnsureAsync(flowId, CancellationToken.None);

        (await ensure.Should().ThrowAsync<QueueTypeMismatchException>()).Which.Message.Should()
            .StartWith($"Queue '{queue}' exists on the broker with another type than Messaging:QueueType=Quorum").And
            .Contain("inequivalent arg 'x-queue-type'");
        (await QueueAsync(queue))["type"]!.GetValue<string>().Should().Be("classic");
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.Flatten().InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }

                yield break;
            }
        }
    }

    /// <summary>
    /// The per-instance configuration-change queues stay classic whatever the setting: MassTransit declares a temporary
    /// endpoint's queue exclusive and not durable (with <c>x-expires</c>), which a quorum queue cannot be.
    /// </summary>
    private static async Task AssertTemporaryQueuesStayClassicAsync()
    {
        var queues = (await GetAsync($"api/queues/{Uri.EscapeDataString(TestBroker.VirtualHost)}")).AsArray()
            .Select(q => q!.AsObject()).Where(q => q["name"]!.GetValue<string>().StartsWith("ConfigurationChanged-", StringComparison.Ordinal)).ToList();
        queues.Should().NotBeEmpty("the running instance has its configuration-change queue");
        queues.Should().OnlyContain(q => q["type"]!.GetValue<string>() == "classic" && q["exclusive"]!.GetValue<bool>() && !q["durable"]!.GetValue<bool>());
    }

    private static async Task SendUnknownContractAsync(TestBroker broker, string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(broker.BrokerUrl) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        var body = """{"messageId":"8e6b0000-0000-0000-0000-000000000001","messageType":["urn:message:Nobody:Consumes"],"message":{}}""";
        await channel.BasicPublishAsync("", queue, mandatory: true,
            new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true }, Encoding.UTF8.GetBytes(body));
    }

    private static async Task DeclareAsync(string url, string queue, string type)
    {
        var factory = new ConnectionFactory { Uri = new Uri(url) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: type == "quorum" ? new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } : null);
    }

    private static Task<JsonNode> QueueAsync(string queue) =>
        GetAsync($"api/queues/{Uri.EscapeDataString(TestBroker.VirtualHost)}/{Uri.EscapeDataString(queue)}");

    private static async Task<JsonNode> GetAsync(string path)
    {
        using var client = new HttpClient { BaseAddress = Management };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
