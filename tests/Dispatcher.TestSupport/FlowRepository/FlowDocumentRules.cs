using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dispatcher.TestSupport.FlowRepository;

/// <summary>
/// The checks the real Flow Repository applies to a flow document (its Mongoose schema and validator): a graph with at
/// least one node; node <c>id</c> (at most 30 characters), <c>componentId</c> (an ObjectId) and <c>function</c> required;
/// <c>credentials_id</c> an ObjectId; edges required when there is more than one node, each joining existing nodes; no
/// status other than <c>inactive</c> set by a client; a five- or six-field cron.
/// </summary>
internal static class FlowDocumentRules
{
    /// <summary>The violations of <paramref name="flow"/>; empty when it is valid.</summary>
    public static List<string> Violations(JsonObject flow)
    {
        var errors = new List<string>();
        if (flow["status"] is { } status && Text(status) != "inactive")
        {
            errors.Add("Flow status cannot be set manually. Please use the start/stop endpoints.");
        }

        if (flow["cron"] is { } cron && (Text(cron) is not { } cronText || cronText.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is < 5 or > 6))
        {
            errors.Add("Invalid cron expression.");
        }

        if (flow["graph"] is not JsonObject graph)
        {
            errors.Add("Path `graph` is required.");
            return errors;
        }

        var nodes = graph["nodes"] as JsonArray;
        if (nodes is null || nodes.Count == 0)
        {
            errors.Add("Path `graph.nodes` must contain at least 1 node.");
            return errors;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            ValidateNode(nodes[i] as JsonObject, i, ids, errors);
        }

        var edges = graph["edges"] as JsonArray;
        if (nodes.Count > 1 && (edges is null || edges.Count == 0))
        {
            errors.Add("Path `graph.edges` is required when there is more than one node.");
        }

        for (var i = 0; i < (edges?.Count ?? 0); i++)
        {
            var edge = edges![i] as JsonObject;
            foreach (var end in new[] { "source", "target" })
            {
                var value = edge?[end] is { } node ? Text(node) : null;
                if (value is null)
                {
                    errors.Add($"Path `graph.edges.{i}.{end}` is required.");
                }
                else if (!ids.Contains(value))
                {
                    errors.Add($"Edge {i} {end} '{value}' is not a node of the graph.");
                }
            }
        }

        return errors;
    }

    /// <summary>True for 24 hexadecimal digits.</summary>
    public static bool IsObjectId(string? value) => value is { Length: 24 } && value.All(char.IsAsciiHexDigit);

    private static void ValidateNode(JsonObject? node, int index, HashSet<string> ids, List<string> errors)
    {
        var at = $"graph.nodes.{index}";
        if (node is null)
        {
            errors.Add($"Path `{at}` must be an object.");
            return;
        }

        var id = node["id"] is { } idNode ? Text(idNode) : null;
        if (string.IsNullOrEmpty(id))
        {
            errors.Add($"Path `{at}.id` is required.");
        }
        else if (id.Length > 30)
        {
            errors.Add($"Path `{at}.id` is longer than the maximum allowed length (30).");
        }
        else
        {
            ids.Add(id);
        }

        var componentId = node["componentId"] is { } component ? Text(component) : null;
        if (componentId is null)
        {
            errors.Add($"Path `{at}.componentId` is required.");
        }
        else if (!IsObjectId(componentId))
        {
            errors.Add($"Cast to ObjectId failed for value \"{componentId}\" at path \"{at}.componentId\"");
        }

        if (node["function"] is not { } function || string.IsNullOrEmpty(Text(function)))
        {
            errors.Add($"Path `{at}.function` is required.");
        }

        if (node["credentials_id"] is { } credentials && !IsObjectId(Text(credentials)))
        {
            errors.Add($"Cast to ObjectId failed for value \"{credentials.ToJsonString()}\" at path \"{at}.credentials_id\"");
        }
    }

    private static string? Text(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
}
