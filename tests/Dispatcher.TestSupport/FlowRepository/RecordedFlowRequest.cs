using System.Text.Json.Nodes;

namespace Dispatcher.TestSupport.FlowRepository;

/// <summary>One request <see cref="FakeFlowRepository"/> received, with its answer.</summary>
/// <param name="Operation">The route.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path.</param>
/// <param name="FlowId">The flow id in the path, if any.</param>
/// <param name="Token">The bearer token sent, or null when there was no <c>Authorization: Bearer …</c> header.</param>
/// <param name="Body">The JSON body, if any.</param>
/// <param name="StatusCode">The status answered (0 when the client went away first).</param>
public sealed record RecordedFlowRequest(
    FlowOperation Operation, string Method, string Path, string? FlowId, string? Token, JsonNode? Body, int StatusCode);
