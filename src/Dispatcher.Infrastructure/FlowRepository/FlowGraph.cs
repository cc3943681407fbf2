using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>A flow's graph: nodes (steps) and the edges between them.</summary>
internal sealed record FlowGraph
{
    /// <summary>At least one node.</summary>
    public IReadOnlyList<FlowNode> Nodes { get; init; } = [];

    /// <summary>Required by the repository when there is more than one node.</summary>
    public IReadOnlyList<FlowEdge> Edges { get; init; } = [];
}

/// <summary>One step of a flow: a component's function with its settings.</summary>
internal sealed record FlowNode
{
    /// <summary>The step id within the flow (<c>step_1</c>, …; at most 30 characters).</summary>
    public required string Id { get; init; }

    /// <summary>The component (an ObjectId).</summary>
    public required string? ComponentId { get; init; }

    /// <summary>The secret the component uses (an ObjectId); omitted when there is none.</summary>
    [JsonPropertyName("credentials_id")]
    public string? CredentialsId { get; init; }

    public string? Name { get; init; }

    /// <summary>The component function the step calls.</summary>
    public required string? Function { get; init; }

    public string? Description { get; init; }

    /// <summary>The step's settings; omitted when null.</summary>
    public JsonObject? Fields { get; init; }
}

/// <summary>An edge from one step to the next.</summary>
/// <param name="Source">The step the data comes from.</param>
/// <param name="Target">The step the data goes to.</param>
internal sealed record FlowEdge(string Source, string Target);
