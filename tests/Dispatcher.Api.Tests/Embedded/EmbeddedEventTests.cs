using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Messaging;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Contracts;
using Dispatcher.TestSupport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Api.Tests.Embedded;

/// <summary>With no broker configured, the in-memory bus runs the same pipeline, and the events routes show it.</summary>
public sealed class EmbeddedEventTests
{
    [Test]
    public async Task A_posted_event_is_routed_and_its_dispatches_are_listed_in_wire_format()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);

        using var posted = await client.PostAsJsonAsync("/events", JsonNode.Parse("""
            {"headers":{"name":"data-hub.record.updated"},
             "payload":{"meta":{"flowId":"SOURCE","oihUid":"65f000000000000000000009",
               "refs":[{"applicationUid":"wice5678","recordUid":"w-1"}]},"data":{"firstName":"Jane"}}}
            """.Replace("SOURCE", flows["snazzy.out"])));

        posted.StatusCode.Should().Be(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        var result = (await posted.BodyAsync())["data"]!;
        result["outcome"]!.GetValue<string>().Should().Be("Routed", "enums are named strings everywhere");
        result["dispatched"]!.GetValue<int>().Should().Be(2);
        var dispatches = (await (await client.GetAsync("/events/dispatches")).BodyAsync())["data"]!.AsArray();
        dispatches.Select(d => d!.Text("routingKey")).Should().Equal($"dispatch.{flows["wice.UPDATE"]}", $"dispatch.{flows["outlook.UPDATE"]}");
        var wice = JsonNode.Parse(dispatches[0]!.Text("body"))!;
        wice["payload"]!["meta"]!["recordUid"]!.GetValue<string>().Should().Be("w-1");
        wice["headers"]!["name"]!.GetValue<string>().Should().Be($"dispatch.{flows["wice.UPDATE"]}");
    }

    [Test]
    public async Task With_PublishContracts_a_posted_event_also_publishes_RecordDispatched_on_the_in_process_bus()
    {
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Messaging:PublishContracts"] = "true" });
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        var published = new ConcurrentQueue<ConsumeContext<RecordDispatched>>();
        var handle = factory.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint("record-dispatched-observer", endpoint =>
            endpoint.Handler<RecordDispatched>(context =>
            {
                published.Enqueue(context);
                return Task.CompletedTask;
            }));
        await handle.Ready;

        using var posted = await client.PostAsJsonAsync("/events", JsonNode.Parse("""
            {"headers":{"name":"data-hub.record.updated"},
             "payload":{"meta":{"flowId":"SOURCE","oihUid":"65f000000000000000000009",
               "refs":[{"applicationUid":"wice5678","recordUid":"w-1"}]},"data":{"firstName":"Jane"}}}
            """.Replace("SOURCE", flows["snazzy.out"])));

        posted.StatusCode.Should().Be(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        await Eventually.HoldsAsync(() => published.Count >= 2, MessagingScenario.Wait, "both copies are published as contracts");
        await Task.Delay(300);
        var wire = (await (await client.GetAsync("/events/dispatches")).BodyAsync())["data"]!.AsArray();
        published.Should().HaveCount(2);
        published.Select(c => c.MessageId!.Value.ToString()).Should().BeEquivalentTo(wire.Select(d => d!.Text("messageId")), "the wire copies' ids");
        var wice = published.Single(c => c.Message.TargetFlowId == flows["wice.UPDATE"]).Message;
        wice.Operation.Should().Be(RecordOperation.Update);
        wice.RecordUid.Should().Be("w-1");
        wice.ApplicationUid.Should().Be("wice5678");
        wice.Meta["flowId"].GetString().Should().Be(flows["snazzy.out"]);
        wice.Meta.Should().NotContainKey("refs");
        published.Single(c => c.Message.TargetFlowId == flows["outlook.UPDATE"]).Message.RecordUid.Should().BeNull();
    }

    [Test]
    public async Task Without_PublishContracts_a_posted_event_publishes_no_RecordDispatched()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        var published = new ConcurrentQueue<RecordDispatched>();
        var handle = factory.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint("record-dispatched-observer", endpoint =>
            endpoint.Handler<RecordDispatched>(context =>
            {
                published.Enqueue(context.Message);
                return Task.CompletedTask;
            }));
        await handle.Ready;

        using var posted = await client.PostAsJsonAsync("/events", JsonNode.Parse(
            """{"headers":{"name":"data-hub.record.created"},"payload":{"meta":{"flowId":"SOURCE"},"data":{}}}""".Replace("SOURCE", flows["snazzy.out"])));

        (await posted.BodyAsync())["data"]!["dispatched"]!.GetValue<int>().Should().Be(2);
        await Task.Delay(500);
        published.Should().BeEmpty();
    }

    [Test]
    public async Task Another_tenant_cannot_inject_events_for_a_flow_it_does_not_own_nor_learn_it_exists_nor_see_the_dispatches()
    {
        using var factory = new DispatcherApiFactory();
        using var owner = factory.ClientFor("tenant-a");
        using var other = factory.ClientFor("tenant-b");
        var flows = await EventBusDispatchTests.CreateThreeAppExampleAsync(owner);
        var body = JsonNode.Parse("""{"headers":{"name":"data-hub.record.created"},"payload":{"meta":{"flowId":"SOURCE"},"data":{}}}"""
            .Replace("SOURCE", flows["snazzy.out"]));

        var unknown = JsonNode.Parse("""{"headers":{"name":"data-hub.record.created"},"payload":{"meta":{"flowId":"0123456789abcdef01234567"},"data":{}}}""");

        using var intruding = await other.PostAsJsonAsync("/events", body);
        using var nobodys = await other.PostAsJsonAsync("/events", unknown);
        using var owned = await owner.PostAsJsonAsync("/events", body);

        // No existence oracle: another tenant's flow answers exactly like a flow nobody has.
        intruding.StatusCode.Should().Be(nobodys.StatusCode);
        (await intruding.Content.ReadAsStringAsync()).Should().Be(await nobodys.Content.ReadAsStringAsync());
        (await intruding.BodyAsync())["data"]!.Text("outcome").Should().Be("UnknownSource");
        owned.StatusCode.Should().Be(HttpStatusCode.OK);
        (await (await other.GetAsync("/events/dispatches")).BodyAsync())["data"]!.AsArray().Should().BeEmpty();
        (await (await owner.GetAsync("/events/dispatches")).BodyAsync())["data"]!.AsArray().Should().HaveCount(2);
    }

    [Test]
    public async Task A_malformed_event_is_a_400_naming_the_problem()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");

        using var response = await client.PostAsJsonAsync("/events", JsonNode.Parse("""{"headers":{"name":"data-hub.record.created"},"payload":{"meta":{}}}"""));

        var problem = await Dispatches.ErrorTests.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        problem["detail"]!.GetValue<string>().Should().Contain("meta.flowId");
    }
}
