using System.Text.Json.Nodes;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.FlowRegistry;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>
/// The flows the original service generates (<c>flowCreator.js makeFlow</c>), node for node:
/// <list type="bullet">
/// <item>outbound: <c>step_1</c> the app's adapter ("Fetches data") → <c>step_2</c> SDF publish ("Passes data to SDF");</item>
/// <item>inbound: <c>step_1</c> SDF receive ("Receives data from SDF") → <c>step_2</c> the app's adapter ("Pushes data")
/// → <c>step_3</c> SDF record ("Updates recordUid").</item>
/// </list>
/// The transformer steps stay out, as in the original since release 20.2.0.
/// </summary>
internal sealed class FlowGraphBuilder(SdfOptions sdf)
{
    /// <summary>The description of every generated flow, before its owner (<see cref="FlowOwnerMarker"/>).</summary>
    public const string Description = "This flow was automatically generated";

    public const string Type = "ordinary";

    public const string Cron = "* * * * *";

    private const string SdfName = "SDF Adapter";

    /// <summary>
    /// The flow created first to obtain an id: the final flow's name, description, type and cron with a one-node graph
    /// of the placeholder component.
    /// </summary>
    public FlowDocument Placeholder(FlowDefinition definition) => Flow(definition, new FlowGraph
    {
        Nodes = [new FlowNode { Id = "empty", ComponentId = sdf.PlaceholderComponentId, Function = "empty" }],
        Edges = [],
    });

    /// <summary>The complete flow for <paramref name="definition"/>; every SDF node carries <paramref name="flowId"/>.</summary>
    public FlowDocument Complete(FlowDefinition definition, FlowId flowId)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Flow(definition, definition.Connection.Direction == Direction.Outbound
            ? Outbound(definition.App, definition.Connection, flowId)
            : Inbound(definition.App, definition.Connection, flowId));
    }

    private static FlowDocument Flow(FlowDefinition definition, FlowGraph graph)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new FlowDocument
        {
            Name = FlowNames.For(definition.App, definition.Connection),
            Description = FlowOwnerMarker.Describe(definition.ConfigurationId, definition.Connection.Id),
            Type = Type,
            Cron = Cron,
            Graph = graph,
        };
    }

    private FlowGraph Outbound(App app, Connection connection, FlowId flowId)
    {
        // {domainId, schema, applicationUid, ...app.fields}: the app's fields win over the three generated ones.
        var fields = new JsonObject
        {
            ["domainId"] = connection.SchemaUri.DomainSegment,
            ["schema"] = connection.SchemaUri.LastSegment,
            ["applicationUid"] = app.ApplicationUid.Value,
        };
        foreach (var (key, value) in AppFieldsOf(app))
        {
            fields[key] = value?.DeepClone();
        }

        return new FlowGraph
        {
            Nodes =
            [
                AdapterNode(app, connection, "step_1", "Fetches data", fields),
                SdfNode("step_2", sdf.PublishFunction, "Passes data to SDF", flowId),
            ],
            Edges = [new FlowEdge("step_1", "step_2")],
        };
    }

    private FlowGraph Inbound(App app, Connection connection, FlowId flowId) => new()
    {
        Nodes =
        [
            SdfNode("step_1", sdf.ReceiveFunction, "Receives data from SDF", flowId),
            AdapterNode(app, connection, "step_2", "Pushes data", app.Fields.IsEmpty ? null : AppFieldsOf(app)),
            SdfNode("step_3", sdf.RecordFunction, "Updates recordUid", flowId),
        ],
        Edges = [new FlowEdge("step_1", "step_2"), new FlowEdge("step_2", "step_3")],
    };

    private static FlowNode AdapterNode(App app, Connection connection, string id, string description, JsonObject? fields) => new()
    {
        Id = id,
        ComponentId = app.AdapterComponentId,
        CredentialsId = app.SecretId,
        Name = $"{app.ApplicationName} Adapter",
        Function = connection.AdapterAction,
        Description = description,
        Fields = fields,
    };

    private FlowNode SdfNode(string id, string function, string description, FlowId flowId)
    {
        var fields = new JsonObject();
        if (!string.IsNullOrWhiteSpace(sdf.AmqpUrl))
        {
            fields["amqpUrl"] = sdf.AmqpUrl;
        }

        fields["flowId"] = flowId.Value;
        return new FlowNode
        {
            Id = id,
            ComponentId = sdf.ComponentId,
            Name = SdfName,
            Function = function,
            Description = description,
            Fields = fields,
        };
    }

    private static JsonObject AppFieldsOf(App app) => JsonNode.Parse(app.Fields.Json)!.AsObject();
}
