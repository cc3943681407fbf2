using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dispatcher.Api.Tests.Support;

/// <summary>Request bodies in the original API's shape, and helpers to read answers.</summary>
public static class Samples
{
    public const string Person = "http://metadata.example.com/api/v1/domains/5d9b/schemas/person";
    public const string Organization = "http://metadata.example.com/api/v1/domains/5d9b/schemas/organization";
    public const string AdapterComponent = "5d2484d2a422ca001bda5690";
    public const string Secret = "5e9f6c7a8b9c0d1e2f3a4b5c";

    public static JsonObject App(string uid, string name, bool outboundActive = true, bool inboundActive = true,
        string[]? outbound = null, (string Operation, string Schema)[]? inbound = null) => new()
    {
        ["applicationName"] = name,
        ["applicationUid"] = uid,
        ["adapterComponentId"] = AdapterComponent,
        ["transformerComponentId"] = AdapterComponent,
        ["secretId"] = Secret,
        ["outbound"] = new JsonObject
        {
            ["active"] = outboundActive,
            ["flows"] = new JsonArray((outbound ?? [Person]).Select(schema => (JsonNode)new JsonObject
            {
                ["adapterAction"] = "getPersons", ["transformerAction"] = "transformToOih", ["schemaUri"] = schema,
            }).ToArray()),
        },
        ["inbound"] = new JsonObject
        {
            ["active"] = inboundActive,
            ["flows"] = new JsonArray((inbound ?? [("CREATE", Person), ("UPDATE", Person)]).Select(f => (JsonNode)new JsonObject
            {
                ["operation"] = f.Operation, ["adapterAction"] = $"{f.Operation.ToLowerInvariant()}Contact",
                ["transformerAction"] = "transformFromOih", ["schemaUri"] = f.Schema,
            }).ToArray()),
        },
    };

    public static JsonObject Configuration(string name, params JsonObject[] apps) => new()
    {
        ["name"] = name,
        ["dataModel"] = "5d9b",
        ["applications"] = new JsonArray(apps.Select(a => (JsonNode)a).ToArray()),
    };

    public static async Task<JsonNode> BodyAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("Empty body.");

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string url, JsonNode body) =>
        client.PatchAsync(url, JsonContent.Create(body));

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>Every flow id of a configuration body, outbound then inbound, app by app.</summary>
    public static List<string?> FlowIds(JsonNode configuration) =>
        configuration["applications"]!.AsArray()
            .SelectMany(app => app!["outbound"]!["flows"]!.AsArray().Concat(app["inbound"]!["flows"]!.AsArray()))
            .Select(flow => flow!["flowId"]?.GetValue<string>())
            .ToList();

    public static string Text(this JsonNode node, string property) => node[property]!.GetValue<string>();

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
