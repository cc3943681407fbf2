using Dispatcher.Api.Auth;
using Dispatcher.Api.Errors;
using Dispatcher.Api.Http;
using Dispatcher.Application.Ports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Dispatcher.Api.Controllers;

/// <summary>
/// Operator routes: inspect the error queues and move failed messages back for another try. Two error queues are
/// covered: <c>events</c> (platform events from the event bus, <c>Messaging:Queue</c> + <c>_error</c>) and
/// <c>contracts</c> (the .NET <c>RecordChanged</c> contract, <c>Messaging:Queue</c> + <c>-record-changed_error</c>);
/// without <c>queue</c> a call covers both. Needs a token with the permission <c>all</c> or <c>dispatcher.admin</c>.
/// Only with a RabbitMQ broker (404 in the embedded mode).
/// </summary>
[ApiController]
[Route("admin/error-queue")]
[Authorize(Policy = DispatcherPolicies.Admin)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status400BadRequest, ApiProblem.ContentType)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status401Unauthorized, ApiProblem.ContentType)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status403Forbidden, ApiProblem.ContentType)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status404NotFound, ApiProblem.ContentType)]
public sealed class AdminController(IServiceProvider services) : ControllerBase
{
    /// <summary>
    /// Lists failed messages with the queue each is in, its source flow and the reason it failed (nothing is removed):
    /// up to <paramref name="max"/> of each error queue, the event bus's first.
    /// </summary>
    /// <param name="queue">Only this error queue: <c>events</c> or <c>contracts</c>; omitted: both.</param>
    /// <param name="max">At most this many messages per error queue (1 to 1,000).</param>
    /// <param name="cancellationToken">Ends the call.</param>
    [HttpGet]
    [ProducesResponseType<Envelope<IReadOnlyList<ErrorQueueMessage>>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List(
        [FromQuery] ErrorQueueKind? queue, [FromQuery] int max = 100, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IErrorQueues>() is not { } errorQueues)
        {
            return NoBroker();
        }

        var messages = await errorQueues.PeekAsync(queue, Math.Clamp(max, 1, 1000), cancellationToken);
        return Ok(new Envelope<IReadOnlyList<ErrorQueueMessage>>(EnvelopeMeta.Empty, messages));
    }

    /// <summary>
    /// Moves failed messages back to the queue they failed in (an event to the service's event-bus queue, a
    /// <c>RecordChanged</c> to its contract queue): all of them, only those whose failure concerned
    /// <paramref name="targetFlowId"/>, or only those from <paramref name="sourceFlowId"/>; both filters together
    /// move those matching both. Answers the totals and each error queue's part.
    /// </summary>
    /// <param name="queue">Only this error queue: <c>events</c> or <c>contracts</c>; omitted: both.</param>
    /// <param name="targetFlowId">Only messages whose failure names <c>target flow &lt;id&gt;</c>.</param>
    /// <param name="sourceFlowId">Only messages from this source flow (an event's <c>payload.meta.flowId</c>, a contract's <c>FlowId</c>).</param>
    /// <param name="max">At most this many messages looked at per error queue (1 to 100,000).</param>
    /// <param name="cancellationToken">Ends the call.</param>
    [HttpPost("redrive")]
    [ProducesResponseType<Envelope<RedriveResult>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> Redrive(
        [FromQuery] ErrorQueueKind? queue, [FromQuery] string? targetFlowId, [FromQuery] string? sourceFlowId,
        [FromQuery] int max = 10_000, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IErrorQueues>() is not { } errorQueues)
        {
            return NoBroker();
        }

        var result = await errorQueues.RedriveAsync(queue, targetFlowId, sourceFlowId, Math.Clamp(max, 1, 100_000), cancellationToken);
        return Ok(new Envelope<RedriveResult>(EnvelopeMeta.Empty, result));
    }

    private ProblemResult NoBroker() => new(ApiProblem.Create(
        StatusCodes.Status404NotFound, "Not found", "There is no error queue: the service runs on the in-memory bus (set Messaging:RabbitMqUrl)."));
}
