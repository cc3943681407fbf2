using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dispatcher.Api.Tests.OpenApi;

/// <summary>
/// The service's own OpenAPI document as a checker of answers: is the status listed for the route, and does the body
/// match the schema documented for it. The schema check covers what the document uses: <c>$ref</c>, <c>type</c>,
/// <c>nullable</c>, <c>enum</c>, <c>properties</c>, <c>required</c>, <c>items</c>, <c>additionalProperties</c>, <c>allOf</c>,
/// <c>maxLength</c>, <c>maxItems</c>.
/// </summary>
public sealed class OpenApiContract(JsonNode document)
{
    /// <summary>The document.</summary>
    public JsonNode Document { get; } = document;

    /// <summary>Reads the document from a running service.</summary>
    public static async Task<OpenApiContract> LoadAsync(HttpClient client) =>
        new(JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"))!);

    /// <summary>Every (path template, method, operation) of the document.</summary>
    public IEnumerable<(string Path, string Method, JsonObject Operation)> Operations() =>
        Document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Select(op => (path.Key, op.Key.ToUpperInvariant(), op.Value!.AsObject())));

    /// <summary>The operation for a concrete request path (query ignored), or null when the document has none.</summary>
    public JsonObject? Find(string method, string requestPath)
    {
        var segments = requestPath.Split('?')[0].Trim('/').Split('/');
        foreach (var (path, opMethod, operation) in Operations())
        {
            var template = path.Trim('/').Split('/');
            if (opMethod == method && template.Length == segments.Length
                && template.Zip(segments).All(p => (p.First.StartsWith('{') && p.Second.Length > 0) || p.First == p.Second))
            {
                return operation;
            }
        }

        return null;
    }

    /// <summary>What is wrong with the answer according to the document (empty when it is documented and valid).</summary>
    public List<string> Check(string method, string requestPath, int status, string? contentType, string body)
    {
        var problems = new List<string>();
        var operation = Find(method, requestPath);
        if (operation is null)
        {
            return problems;
        }

        var response = operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (response is null)
        {
            problems.Add($"{method} {requestPath} answered {status}, which the document does not list");
            return problems;
        }

        if (method == "HEAD" || string.IsNullOrEmpty(body))
        {
            return problems;
        }

        var media = contentType is null ? null : response["content"]?[contentType];
        if (media is null)
        {
            if (response["content"] is JsonObject { Count: > 0 } documented)
            {
                problems.Add($"{method} {requestPath} {status} answered {contentType}; documented: {string.Join(", ", documented.Select(c => c.Key))}");
            }

            return problems;
        }

        if (media["schema"] is { } schema)
        {
            Validate(JsonNode.Parse(body), schema, "$", problems);
        }

        return problems.Select(p => $"{method} {requestPath} {status}: {p}").ToList();
    }

    /// <summary>What is wrong with an operation's request example according to its own request schema.</summary>
    public List<string> CheckRequestExample(JsonObject operation)
    {
        var problems = new List<string>();
        var media = operation["requestBody"]?["content"]?["application/json"];
        if (media?["example"] is { } example && media["schema"] is { } schema)
        {
            Validate(example, schema, "$", problems);
        }

        return problems;
    }

    private void Validate(JsonNode? value, JsonNode schema, string path, List<string> problems)
    {
        if (schema["$ref"] is { } reference)
        {
            var name = reference.GetValue<string>().Split('/')[^1];
            Validate(value, Document["components"]!["schemas"]![name]!, path, problems);
            return;
        }

        foreach (var part in schema["allOf"]?.AsArray() ?? [])
        {
            if (value is not null)
            {
                Validate(value, part!, path, problems);
            }
        }

        if (value is null)
        {
            if (schema["type"] is not null && schema["nullable"]?.GetValue<bool>() != true)
            {
                problems.Add($"{path} is null, the schema does not allow it");
            }

            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            problems.Add($"{path} is {value.ToJsonString()}, not one of {allowed.ToJsonString()}");
        }

        var kind = value.GetValueKind();
        switch (schema["type"]?.GetValue<string>())
        {
            case null:
                break;
            case "object" when kind == JsonValueKind.Object:
                var obj = value.AsObject();
                var properties = schema["properties"]?.AsObject();
                foreach (var required in schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
                {
                    if (!obj.ContainsKey(required))
                    {
                        problems.Add($"{path}.{required} is required");
                    }
                }

                foreach (var (name, member) in obj)
                {
                    if (properties?[name] is { } memberSchema)
                    {
                        Validate(member, memberSchema, $"{path}.{name}", problems);
                    }
                    else if (schema["additionalProperties"] is JsonValue no && no.GetValue<bool>() == false)
                    {
                        problems.Add($"{path}.{name} is not in the schema, which forbids additional properties");
                    }
                    else if (schema["additionalProperties"] is JsonObject additional)
                    {
                        Validate(member, additional, $"{path}.{name}", problems);
                    }
                }

                break;
            case "array" when kind == JsonValueKind.Array:
                if (schema["maxItems"] is { } maxItems && value.AsArray().Count > maxItems.GetValue<int>())
                {
                    problems.Add($"{path} has more than {maxItems} items");
                }

                var index = 0;
                foreach (var item in value.AsArray())
                {
                    Validate(item, schema["items"]!, $"{path}[{index++}]", problems);
                }

                break;
            case "string" when kind == JsonValueKind.String:
                if (schema["maxLength"] is { } maxLength && value.GetValue<string>().Length > maxLength.GetValue<int>())
                {
                    problems.Add($"{path} is longer than {maxLength}");
                }

                break;
            case "boolean" when kind is JsonValueKind.True or JsonValueKind.False:
            case "number" when kind == JsonValueKind.Number:
                break;
            case "integer" when kind == JsonValueKind.Number && value.AsValue().TryGetValue<long>(out _):
                break;
            case var type:
                problems.Add($"{path} is a JSON {kind}, the schema says {type}");
                break;
        }
    }
}
