using System.Text.Json;
using Dispatcher.Api.Auth;
using Dispatcher.Api.Errors;
using Dispatcher.Api.Http;
using Dispatcher.Api.OpenApi;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.Preview;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Infrastructure.Messaging.EventBus;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Dispatcher.Api.Controllers;

/// <summary>Dry runs of event routing against a stored configuration of the caller's tenant.</summary>
[ApiController]
[Route("dispatches")]
[Authorize(Policy = DispatcherPolicies.Tenant)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status401Unauthorized, ApiProblem.ContentType)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status403Forbidden, ApiProblem.ContentType)]
public sealed class PreviewController(IMediator mediator, OihEventReader eventReader) : ControllerBase
{
    /// <summary>
    /// Shows exactly the dispatches the service would send for a sample record event — target app, target flow, routing
    /// key, tailored meta and data — computed by the same routing code as real events, with no side effect (no flow is
    /// started, nothing is published). When nothing would be sent, <c>reason</c> says why as precisely as it can, and
    /// <c>skipped</c> lists the inbound connections with the right schema and operation that would get no copy.
    /// </summary>
    /// <remarks>
    /// The body is either the event as it travels on the event bus,
    /// <c>{"headers":{"name":"data-hub.record.updated"},"payload":{"meta":{"flowId":"…","refs":[…]},"data":{…}}}</c>
    /// (the operation comes from the event name), or the short form
    /// <c>{"flowId":"…","operation":"UPDATE","meta":{"refs":[…]},"data":{…}}</c> (<c>meta</c> and <c>data</c> optional;
    /// <c>flowId</c> is written into the meta).
    /// </remarks>
    /// <param name="id">The configuration id (24 hex digits).</param>
    /// <param name="body">The sample event.</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    /// <response code="200">The preview: outcome, reason, the dispatches and the skipped connections.</response>
    /// <response code="400">The sample event is malformed (the detail says why).</response>
    /// <response code="404">No such configuration for the caller's tenant.</response>
    [HttpPost("{id}/preview")]
    [Consumes("application/json")]
    [RequestExample(RequestExamples.Preview)]
    [ProducesResponseType<Envelope<DispatchPreview>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status400BadRequest, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status404NotFound, ApiProblem.ContentType)]
    public async Task<ActionResult<Envelope<DispatchPreview>>> Preview(string id, [FromBody] JsonElement body, CancellationToken cancellationToken)
    {
        var tenant = User.GetTenant() ?? throw new InvalidOperationException("The tenant policy admitted a caller without a tenant.");
        var recordEvent = ReadEvent(body);
        var preview = await mediator.Send(new PreviewDispatch(tenant, id, recordEvent), cancellationToken);
        return new Envelope<DispatchPreview>(EnvelopeMeta.Empty, preview);
    }

    private RecordEvent ReadEvent(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedEventException("The sample event must be a JSON object.");
        }

        if (body.TryGetProperty("payload", out _) || body.TryGetProperty("headers", out _))
        {
            return eventReader.Read(OihEvent.Parse(JsonSerializer.SerializeToUtf8Bytes(body)));
        }

        return ReadShortForm(body);
    }

    /// <summary><c>{"flowId","operation","meta","data"}</c>.</summary>
    private static RecordEvent ReadShortForm(JsonElement body)
    {
        var flowText = body.TryGetProperty("flowId", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        var meta = body.TryGetProperty("meta", out var m) ? m : default;
        if (meta.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
        {
            throw new MalformedEventException("'meta' must be an object.");
        }

        var metaFlow = meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty(RecordMeta.FlowIdField, out var mf) && mf.ValueKind == JsonValueKind.String
            ? mf.GetString()
            : null;
        if (flowText is not null && metaFlow is not null && flowText != metaFlow)
        {
            throw new MalformedEventException($"'flowId' ({flowText}) and 'meta.flowId' ({metaFlow}) differ.");
        }

        flowText ??= metaFlow;
        if (flowText is null)
        {
            throw new MalformedEventException(
                "The sample event names no source flow: give 'flowId' (short form) or 'payload.meta.flowId' with 'headers.name' (event-bus form).");
        }

        if (!FlowId.TryParse(flowText, out var flowId))
        {
            throw new MalformedEventException($"'flowId' is not a valid flow id: '{flowText}'.");
        }

        var operationText = body.TryGetProperty("operation", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        if (!OperationNames.TryParse(operationText, out var operation))
        {
            throw new MalformedEventException($"'operation' must be CREATE, UPDATE or DELETE, got '{operationText}'.");
        }

        var data = body.TryGetProperty("data", out var d) ? d.Clone() : default;
        return new RecordEvent(flowId, operation, RecordMeta.FromJson(WithFlowId(meta, flowId)), data);
    }

    /// <summary>The meta with <c>flowId</c> in it (first, when it was missing), as the event bus would carry it.</summary>
    private static JsonElement WithFlowId(JsonElement meta, FlowId flowId)
    {
        var node = meta.ValueKind == JsonValueKind.Object
            ? System.Text.Json.Nodes.JsonObject.Create(meta)!
            : [];
        if (!node.ContainsKey(RecordMeta.FlowIdField))
        {
            node.Insert(0, RecordMeta.FlowIdField, flowId.Value);
        }

        return JsonSerializer.SerializeToElement(node);
    }
}
