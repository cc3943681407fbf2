using Dispatcher.Domain.Configurations;
using Dispatcher.TestSupport.FlowRepository;
using static Dispatcher.Infrastructure.Tests.FlowRepository.FlowDefinitions;
using static Dispatcher.Infrastructure.Tests.FlowRepository.FlowRepositoryTestHost;

namespace Dispatcher.Infrastructure.Tests.FlowRepository;

/// <summary>The JSON the Flow Repository receives is the original service's, node for node.</summary>
public sealed class FlowGraphTests
{
    [Test]
    public async Task An_outbound_flow_is_a_placeholder_post_then_a_patch_with_the_adapter_and_the_sdf_publish_node()
    {
        await using var host = await StartAsync();

        var definition = Outbound(fields: """{"region":"eu"}""");
        var flowId = (await host.Provisioner.CreateAsync(definition, Caller, default)).Value;
        var description = Described(definition);

        host.Fake.RequestsFor(FlowOperation.Create).Single().Body.ShouldBeJson($$"""
            {
              "name": "H&S Outbound Flow for SnazzyContacts",
              "description": "{{description}}",
              "type": "ordinary",
              "cron": "* * * * *",
              "graph": { "nodes": [ { "id": "empty", "componentId": "{{PlaceholderComponent}}", "function": "empty" } ], "edges": [] }
            }
            """);
        var patch = host.Fake.RequestsFor(FlowOperation.Update).Single();
        patch.FlowId.Should().Be(flowId);
        patch.Body.ShouldBeJson($$"""
            {
              "name": "H&S Outbound Flow for SnazzyContacts",
              "description": "{{description}}",
              "type": "ordinary",
              "cron": "* * * * *",
              "graph": {
                "nodes": [
                  {
                    "id": "step_1", "componentId": "{{AdapterComponent}}", "credentials_id": "{{Secret}}",
                    "name": "SnazzyContacts Adapter", "function": "getPersons", "description": "Fetches data",
                    "fields": { "domainId": "5d9b", "schema": "person", "applicationUid": "snazzy1234", "region": "eu" }
                  },
                  {
                    "id": "step_2", "componentId": "{{SdfComponent}}", "name": "SDF Adapter", "function": "sendMessageToOih",
                    "description": "Passes data to SDF", "fields": { "flowId": "{{flowId}}" }
                  }
                ],
                "edges": [ { "source": "step_1", "target": "step_2" } ]
              }
            }
            """);
        host.Fake.Flow(flowId).Graph!.ToJsonString().Should().Be(patch.Body!["graph"]!.ToJsonString());
    }

    [TestCase(Operation.Create, "CREATE")]
    [TestCase(Operation.Update, "UPDATE")]
    [TestCase(Operation.Delete, "DELETE")]
    public async Task An_inbound_flow_receives_from_sdf_pushes_through_the_adapter_and_records_the_uid(Operation operation, string wire)
    {
        await using var host = await StartAsync();

        var definition = Inbound(operation, fields: """{"pageSize":50}""");
        var flowId = (await host.Provisioner.CreateAsync(definition, Caller, default)).Value;
        var description = Described(definition);

        host.Fake.RequestsFor(FlowOperation.Create).Single().Body!["name"]!.GetValue<string>()
            .Should().Be($"H&S Inbound {wire} Flow for Wice CRM");
        host.Fake.RequestsFor(FlowOperation.Update).Single().Body.ShouldBeJson($$"""
            {
              "name": "H&S Inbound {{wire}} Flow for Wice CRM",
              "description": "{{description}}",
              "type": "ordinary",
              "cron": "* * * * *",
              "graph": {
                "nodes": [
                  {
                    "id": "step_1", "componentId": "{{SdfComponent}}", "name": "SDF Adapter", "function": "receiveEvents",
                    "description": "Receives data from SDF", "fields": { "flowId": "{{flowId}}" }
                  },
                  {
                    "id": "step_2", "componentId": "{{AdapterComponent}}", "credentials_id": "{{Secret}}",
                    "name": "Wice CRM Adapter", "function": "createContact", "description": "Pushes data",
                    "fields": { "pageSize": 50 }
                  },
                  {
                    "id": "step_3", "componentId": "{{SdfComponent}}", "name": "SDF Adapter", "function": "processRecordUid",
                    "description": "Updates recordUid", "fields": { "flowId": "{{flowId}}" }
                  }
                ],
                "edges": [ { "source": "step_1", "target": "step_2" }, { "source": "step_2", "target": "step_3" } ]
              }
            }
            """);
    }

    [Test]
    public async Task Without_secret_and_fields_the_adapter_node_has_no_credentials_id_and_inbound_no_fields()
    {
        await using var host = await StartAsync();

        var inbound = (await host.Provisioner.CreateAsync(Inbound(secretId: null), Caller, default)).Value;
        var outbound = (await host.Provisioner.CreateAsync(Outbound(secretId: null), Caller, default)).Value;

        host.Fake.Flow(inbound).Node("step_2").ShouldBeJson($$"""
            {
              "id": "step_2", "componentId": "{{AdapterComponent}}", "name": "Wice CRM Adapter", "function": "createContact",
              "description": "Pushes data"
            }
            """);
        host.Fake.Flow(outbound).Node("step_1").ShouldBeJson($$"""
            {
              "id": "step_1", "componentId": "{{AdapterComponent}}", "name": "SnazzyContacts Adapter", "function": "getPersons",
              "description": "Fetches data", "fields": { "domainId": "5d9b", "schema": "person", "applicationUid": "snazzy1234" }
            }
            """);
    }

    [Test]
    public async Task The_app_fields_win_over_the_generated_outbound_fields_as_in_the_original_spread()
    {
        await using var host = await StartAsync();

        var flowId = (await host.Provisioner.CreateAsync(Outbound(fields: """{"schema":"contact","nested":{"a":[1,2]}}"""), Caller, default)).Value;

        host.Fake.Flow(flowId).Node("step_1")["fields"].ShouldBeJson("""
            { "domainId": "5d9b", "schema": "contact", "applicationUid": "snazzy1234", "nested": { "a": [1, 2] } }
            """);
    }

    [Test]
    public async Task Sdf_settings_are_used_and_the_amqp_url_is_written_only_when_configured()
    {
        const string Sdf = "5aaaaaaaaaaaaaaaaaaaaaaa";
        await using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["FlowRepository:Sdf:ComponentId"] = Sdf,
            ["FlowRepository:Sdf:PublishFunction"] = "publish",
            ["FlowRepository:Sdf:ReceiveFunction"] = "receive",
            ["FlowRepository:Sdf:RecordFunction"] = "record",
            ["FlowRepository:Sdf:AmqpUrl"] = "amqp://flows-only@broker:5672",
            ["FlowRepository:Sdf:PlaceholderComponentId"] = "5bbbbbbbbbbbbbbbbbbbbbbb",
        });

        var outbound = (await host.Provisioner.CreateAsync(Outbound(), Caller, default)).Value;
        var inbound = (await host.Provisioner.CreateAsync(Inbound(), Caller, default)).Value;

        host.Fake.RequestsFor(FlowOperation.Create).Should().OnlyContain(request =>
            request.Body!["graph"]!["nodes"]![0]!["componentId"]!.GetValue<string>() == "5bbbbbbbbbbbbbbbbbbbbbbb");
        host.Fake.Flow(outbound).Node("step_2").ShouldBeJson($$"""
            {
              "id": "step_2", "componentId": "{{Sdf}}", "name": "SDF Adapter", "function": "publish",
              "description": "Passes data to SDF", "fields": { "amqpUrl": "amqp://flows-only@broker:5672", "flowId": "{{outbound}}" }
            }
            """);
        host.Fake.Flow(inbound).Node("step_1")["function"]!.GetValue<string>().Should().Be("receive");
        host.Fake.Flow(inbound).Node("step_3")["function"]!.GetValue<string>().Should().Be("record");
        host.Fake.Flow(inbound).Node("step_3")["fields"]!["amqpUrl"]!.GetValue<string>().Should().Be("amqp://flows-only@broker:5672");
    }

    [Test]
    public async Task The_flow_id_goes_only_into_sdf_nodes_even_when_the_adapter_is_the_sdf_component()
    {
        // The original matched SDF nodes by component id, so an app whose adapter is the SDF component got a flowId field too.
        await using var host = await StartAsync();

        var flowId = (await host.Provisioner.CreateAsync(Outbound(adapterComponentId: SdfComponent), Caller, default)).Value;

        host.Fake.Flow(flowId).Node("step_1")["fields"]!["flowId"].Should().BeNull();
        host.Fake.Flow(flowId).Node("step_2")["fields"]!["flowId"]!.GetValue<string>().Should().Be(flowId);
    }

    /// <summary>The generated description, naming the connection the flow is created for.</summary>
    private static string Described(Dispatcher.Application.Ports.FlowDefinition definition) =>
        $"This flow was automatically generated (dispatcher: configuration {definition.ConfigurationId} connection {definition.Connection.Id})";
}
