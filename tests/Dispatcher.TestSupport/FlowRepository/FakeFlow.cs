using System.Text.Json.Nodes;

namespace Dispatcher.TestSupport.FlowRepository;

/// <summary>A flow held by <see cref="FakeFlowRepository"/>, as a snapshot.</summary>
/// <param name="Id">The ObjectId.</param>
/// <param name="Name">The flow's name.</param>
/// <param name="Status"><c>inactive</c>, <c>starting</c>, <c>active</c> or <c>stopping</c>.</param>
/// <param name="Graph">A copy of the stored graph.</param>
/// <param name="OwnerToken">The bearer token that created the flow.</param>
/// <param name="Document">A copy of the whole stored flow, as <c>GET /flows/{id}</c> would answer it.</param>
public sealed record FakeFlow(string Id, string? Name, string Status, JsonNode? Graph, string OwnerToken, JsonObject Document)
{
    /// <summary>The graph's nodes.</summary>
    public JsonArray Nodes => Graph?["nodes"]?.AsArray() ?? [];

    /// <summary>The node with step id <paramref name="stepId"/>.</summary>
    public JsonNode Node(string stepId) =>
        Nodes.SingleOrDefault(node => node?["id"]?.GetValue<string>() == stepId)
        ?? throw new InvalidOperationException($"Flow {Id} has no node '{stepId}'.");
}
