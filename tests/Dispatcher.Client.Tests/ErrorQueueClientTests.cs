using System.Net;
using System.Text;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Client;
using Dispatcher.Client.Models;
using Dispatcher.TestSupport.RabbitMq;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Client.Tests;

/// <summary>
/// The admin error-queue routes with their <c>queue</c> parameter (<c>events|contracts</c>) and the fields that say which
/// queue: the exact requests and the parsing of the service's answers (a recording handler), and the real service on
/// the real broker answering them.
/// </summary>
public sealed class ErrorQueueClientTests
{
    [Test]
    public async Task The_queue_parameter_is_sent_as_the_services_name_and_omitted_for_both()
    {
        var handler = new RecordingHandler("""{"meta":{},"data":[]}""");
        var client = StubClient(handler);

        await client.ListErrorQueueAsync(ErrorQueueKind.Contracts, max: 5);
        await client.ListErrorQueueAsync(ErrorQueueKind.Events);
        await client.ListErrorQueueAsync();
        await client.ListErrorQueueAsync(max: 7);

        handler.Requests.Should().Equal(
            "GET /admin/error-queue?queue=contracts&max=5",
            "GET /admin/error-queue?queue=events",
            "GET /admin/error-queue",
            "GET /admin/error-queue?max=7");
    }

    [Test]
    public async Task Redrive_sends_queue_and_filters_and_reads_each_queues_part()
    {
        var handler = new RecordingHandler("""
            {"meta":{},"data":{"moved":3,"kept":1,"queues":[
              {"queue":"events","errorQueue":"dispatcher-service_error","returnQueue":"dispatcher-service","moved":2,"kept":1},
              {"queue":"contracts","errorQueue":"dispatcher-service-record-changed_error","returnQueue":"dispatcher-service-record-changed","moved":1,"kept":0}]}}
            """);
        var client = StubClient(handler);

        var result = await client.RedriveErrorQueueAsync(ErrorQueueKind.Contracts, targetFlowId: "t1", sourceFlowId: "s1", max: 9);
        var old = await client.RedriveErrorQueueAsync(targetFlowId: "t2");

        handler.Requests.Should().Equal(
            "POST /admin/error-queue/redrive?queue=contracts&targetFlowId=t1&sourceFlowId=s1&max=9",
            "POST /admin/error-queue/redrive?targetFlowId=t2");
        result.Should().BeEquivalentTo(new RedriveResult(3, 1)
        {
            Queues =
            [
                new QueueRedriveResult(ErrorQueueKind.Events, "dispatcher-service_error", "dispatcher-service", 2, 1),
                new QueueRedriveResult(ErrorQueueKind.Contracts, "dispatcher-service-record-changed_error", "dispatcher-service-record-changed", 1, 0),
            ],
        });
        old.Queues.Should().HaveCount(2, "the older method reads the new field too");
    }

    [Test]
    public async Task Listed_messages_say_which_error_queue_they_are_in_and_an_older_service_leaves_it_null()
    {
        var handler = new RecordingHandler("""
            {"meta":{},"data":[
              {"queue":"contracts","errorQueue":"dispatcher-service-record-changed_error","messageId":"m1","eventName":"RecordChanged","sourceFlowId":"f1","reason":"bad","exceptionType":"X"},
              {"messageId":"m2","eventName":"data-hub.record.created","sourceFlowId":"f2","reason":"r","exceptionType":"Y"}]}
            """);

        var listed = await StubClient(handler).ListErrorQueueAsync();

        listed[0].Should().Be(new ErrorQueueMessage("m1", "RecordChanged", "f1", "bad", "X")
        {
            Queue = ErrorQueueKind.Contracts, ErrorQueue = "dispatcher-service-record-changed_error",
        });
        listed[1].Queue.Should().BeNull();
        listed[1].ErrorQueue.Should().BeNull();
    }

    [Test]
    public async Task The_real_service_on_the_broker_answers_per_queue()
    {
        await using var broker = new TestBroker();
        using var factory = new DispatcherApiFactory(broker.Settings);
        broker.Track($"{broker.ServiceQueue}-record-changed");
        broker.Track($"{broker.ServiceQueue}-record-changed_error");
        broker.Track($"{broker.ServiceQueue}_error");
        _ = factory.Server;
        var services = new ServiceCollection();
        services.AddDispatcherClient(o =>
            {
                o.BaseAddress = factory.Server.BaseAddress;
                o.Token = TestTokens.Create(tenant: null, extraClaims: new Dictionary<string, object> { ["permission"] = "dispatcher.admin" });
            })
            .ConfigurePrimaryHttpMessageHandler(() => factory.Server.CreateHandler());
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IDispatcherClient>();
        await broker.WaitForQueueAsync(broker.ServiceQueue, TimeSpan.FromSeconds(20));

        var contracts = await client.RedriveErrorQueueAsync(ErrorQueueKind.Contracts);
        var both = await client.RedriveErrorQueueAsync();
        var listed = await client.ListErrorQueueAsync(ErrorQueueKind.Contracts);

        contracts.Queues.Should().Equal(new QueueRedriveResult(
            ErrorQueueKind.Contracts, $"{broker.ServiceQueue}-record-changed_error", $"{broker.ServiceQueue}-record-changed", 0, 0));
        both.Queues.Select(q => (q.Queue, q.ErrorQueue)).Should().Equal(
            (ErrorQueueKind.Events, $"{broker.ServiceQueue}_error"), (ErrorQueueKind.Contracts, $"{broker.ServiceQueue}-record-changed_error"));
        listed.Should().BeEmpty();
    }

    private static IDispatcherClient StubClient(HttpMessageHandler handler)
    {
        var services = new ServiceCollection();
        services.AddDispatcherClient(o =>
            {
                o.BaseAddress = new Uri("http://dispatcher.test/");
                o.Token = "token";
            })
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        return services.BuildServiceProvider().GetRequiredService<IDispatcherClient>();
    }

    private sealed class RecordingHandler(string body) : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add($"{request.Method} {request.RequestUri!.PathAndQuery}");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            });
        }
    }
}
