using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Infrastructure.Messaging;
using Dispatcher.Infrastructure.Messaging.Dispatch;
using Dispatcher.Testing;
using Dispatcher.TestSupport.RabbitMq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// A nack closes the publish channel it came on, and the next publish opens a new one: on RabbitMQ 3.10 a long-lived
/// channel kept being refused for minutes after the node leading a quorum queue died, while a fresh channel was
/// accepted (docs/benchmarks.md, "Three-node cluster"). The nack is provoked here with a policy that makes the target
/// queue refuse every message (<c>max-length 0</c>, <c>overflow reject-publish</c>).
/// </summary>
[NonParallelizable]
public sealed class PublisherNackTests
{
    private static readonly Uri Management = new("http://127.0.0.1:15672/api/");

    [Test]
    public async Task A_nacked_channel_is_replaced_and_the_next_publish_goes_through_on_a_new_one()
    {
        await using var broker = new TestBroker();
        var dispatch = RoutingPolicy.Route(ThreeAppExample.Build(), RecordEvents.From(ThreeAppExample.SnazzyOut, Operation.Create)).Dispatches().First();
        var outgoing = new OutgoingDispatch(dispatch, Guid.NewGuid(), "nack-test", 0);
        var queue = outgoing.RoutingKey;
        broker.Track(queue);
        var logs = new RecordingLogger();
        await using var publisher = new RabbitMqDispatchPublisher(
            Options.Create(new MessagingOptions { RabbitMqUrl = broker.BrokerUrl, Exchange = broker.Exchange, PublishChannels = 1 }),
            TimeProvider.System, logs);
        await publisher.EnsureAsync(dispatch.Target.FlowId, CancellationToken.None);
        using var http = ManagementClient();
        var policy = $"policies/{Uri.EscapeDataString(TestBroker.VirtualHost)}/refuse-{queue}";
        (await http.PutAsJsonAsync(policy, new
        {
            pattern = $"^{queue.Replace(".", "\\.", StringComparison.Ordinal)}$",
            definition = new Dictionary<string, object> { ["max-length"] = 0, ["overflow"] = "reject-publish" },
            apply_to = "queues",
            priority = 10,
        })).EnsureSuccessStatusCode();

        DispatchNotDeliveredException? nack = null;
        try
        {
            // The policy reaches the queue a moment after the answer: publish until the broker refuses.
            for (var attempt = 0; attempt < 50 && nack is null; attempt++)
            {
                try
                {
                    await publisher.PublishAsync([outgoing], CancellationToken.None);
                    await Task.Delay(100);
                }
                catch (DispatchNotDeliveredException e)
                {
                    nack = e;
                }
            }
        }
        finally
        {
            (await http.DeleteAsync(policy)).EnsureSuccessStatusCode();
        }

        nack.Should().NotBeNull("the policy makes the queue refuse every message");
        nack!.Message.Should().Contain("refused (nack)");
        await broker.DrainAsync(queue);
        await Task.Delay(500);
        await publisher.PublishAsync([outgoing], CancellationToken.None);

        logs.Messages.Should().ContainSingle(m => m.Contains("was closed (replaced after a nack); opened a new one", StringComparison.Ordinal));
        (await broker.DrainAsync(queue)).Should().ContainSingle("the publish after the nack went through on the new channel");
    }

    private static HttpClient ManagementClient()
    {
        var http = new HttpClient { BaseAddress = Management };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        return http;
    }

    private sealed class RecordingLogger : ILogger<RabbitMqDispatchPublisher>
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
            }
        }
    }
}
