using System.Text.Json;
using Dispatcher.Api.Auth;
using Dispatcher.Api.Errors;
using Dispatcher.Api.Http;
using Dispatcher.Api.OpenApi;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Dispatching.DispatchRecordEvent;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Routing;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Dispatcher.Api.Controllers;

/// <summary>
/// Try the dispatcher without a broker (embedded mode only): post a record event in the event bus's format and see
/// the dispatches the service produced. The event runs through the same application command as events from the bus.
/// With a broker configured these routes answer 404: publish to the broker instead.
/// </summary>
[ApiController]
[Route("events")]
[Authorize(Policy = DispatcherPolicies.Tenant)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status401Unauthorized, ApiProblem.ContentType)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status404NotFound, ApiProblem.ContentType)]
public sealed class EventsController(
    IServiceProvider services, IMediator mediator, IRecordEventReader eventReader, IConfigurationRepository configurations) : ControllerBase
{
    /// <summary>
    /// Dispatches one record event, e.g. <c>{"headers":{"name":"data-hub.record.created"},"payload":{"meta":{"flowId":"…"},"data":{…}}}</c>.
    /// Only events whose source flow belongs to the caller's tenant are accepted.
    /// </summary>
    /// <response code="200">The routing outcome and how many dispatches were produced.</response>
    /// <response code="400">The event is malformed (the reason says why).</response>
    [HttpPost]
    [Consumes("application/json")]
    [RequestExample(RequestExamples.Event)]
    [ProducesResponseType<Envelope<DispatchResult>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status400BadRequest, ApiProblem.ContentType)]
    public async Task<IActionResult> Publish([FromBody] JsonElement body, CancellationToken cancellationToken)
    {
        if (services.GetService<IRecentDispatches>() is null)
        {
            return EmbeddedOnly();
        }

        // The same parser as the event bus: any JSON value gets a precise reason (MalformedEventException: 400).
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        var recordEvent = eventReader.Read(bytes);
        var tenant = User.GetTenant()!.Value;
        var owner = await configurations.FindBySourceFlowAsync(recordEvent.SourceFlowId, cancellationToken);
        if (owner is not null && owner.Tenant != tenant)
        {
            // Exactly the answer for a flow nobody owns: whether another tenant's flow exists is not the caller's to learn.
            return Ok(new Envelope<DispatchResult>(EnvelopeMeta.Empty, new DispatchResult(RoutingOutcome.UnknownSource, 0)));
        }

        var identity = MessageIds.FromBody(bytes);
        var result = await mediator.Send(new DispatchRecordEvent(recordEvent, identity, identity, 0), cancellationToken);
        return Ok(new Envelope<DispatchResult>(EnvelopeMeta.Empty, result));
    }

    /// <summary>The latest dispatches (up to 1,000) of the caller's tenant's configurations, exactly as the bus would carry them.</summary>
    [HttpGet("dispatches")]
    [ProducesResponseType<Envelope<IReadOnlyList<PublishedDispatch>>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> Dispatches(CancellationToken cancellationToken)
    {
        if (services.GetService<IRecentDispatches>() is not { } recent)
        {
            return EmbeddedOnly();
        }

        var own = (await configurations.ListAsync(User.GetTenant()!.Value, cancellationToken)).Select(c => c.Id.Value).ToHashSet();
        IReadOnlyList<PublishedDispatch> dispatches = [.. recent.Recent.Where(d => own.Contains(d.ConfigurationId))];
        return Ok(new Envelope<IReadOnlyList<PublishedDispatch>>(EnvelopeMeta.Empty, dispatches));
    }

    private static ProblemResult EmbeddedOnly() => new(ApiProblem.Create(
        StatusCodes.Status404NotFound, "Not found", "These routes exist only in the embedded mode (no Messaging:RabbitMqUrl); publish events to the broker instead."));
}
