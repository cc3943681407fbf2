using System.Text.Json;
using Dispatcher.Api.Auth;
using Dispatcher.Api.Errors;
using Dispatcher.Api.Http;
using Dispatcher.Api.OpenApi;
using Dispatcher.Application.Configurations.Preview;
using Dispatcher.Application.Ports;
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
public sealed class PreviewController(IMediator mediator, IRecordEventReader eventReader) : ControllerBase
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
        var recordEvent = eventReader.ReadSample(body);
        var preview = await mediator.Send(new PreviewDispatch(tenant, id, recordEvent), cancellationToken);
        return new Envelope<DispatchPreview>(EnvelopeMeta.Empty, preview);
    }
}
