using Dispatcher.Api.Auth;
using Dispatcher.Api.Errors;
using Dispatcher.Api.Http;
using Dispatcher.Infrastructure.Messaging.ErrorQueue;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Dispatcher.Api.Controllers;

/// <summary>
/// Operator routes: inspect the error queue and move failed events back for another try. Needs a token with the
/// permission <c>all</c> or <c>dispatcher.admin</c>. Only with a RabbitMQ broker (404 in the embedded mode).
/// </summary>
[ApiController]
[Route("admin/error-queue")]
[Authorize(Policy = DispatcherPolicies.Admin)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status401Unauthorized, ApiProblem.ContentType)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status403Forbidden, ApiProblem.ContentType)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status404NotFound, ApiProblem.ContentType)]
public sealed class AdminController(IServiceProvider services) : ControllerBase
{
    /// <summary>Lists up to <paramref name="max"/> failed events with the reason each failed (nothing is removed).</summary>
    [HttpGet]
    [ProducesResponseType<Envelope<IReadOnlyList<ErrorQueueMessage>>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> List([FromQuery] int max = 100, CancellationToken cancellationToken = default)
    {
        if (services.GetService<ErrorQueueRedriver>() is not { } redriver)
        {
            return NoBroker();
        }

        var messages = await redriver.PeekAsync(Math.Clamp(max, 1, 1000), cancellationToken);
        return Ok(new Envelope<IReadOnlyList<ErrorQueueMessage>>(EnvelopeMeta.Empty, messages));
    }

    /// <summary>
    /// Moves failed events back to the service's queue: all of them, only those whose failure concerned
    /// <paramref name="targetFlowId"/>, or only those from <paramref name="sourceFlowId"/>.
    /// </summary>
    [HttpPost("redrive")]
    [ProducesResponseType<Envelope<RedriveResult>>(StatusCodes.Status200OK, "application/json")]
    public async Task<IActionResult> Redrive(
        [FromQuery] string? targetFlowId, [FromQuery] string? sourceFlowId, [FromQuery] int max = 10_000,
        CancellationToken cancellationToken = default)
    {
        if (services.GetService<ErrorQueueRedriver>() is not { } redriver)
        {
            return NoBroker();
        }

        var result = await redriver.RedriveAsync(targetFlowId, sourceFlowId, Math.Clamp(max, 1, 100_000), cancellationToken);
        return Ok(new Envelope<RedriveResult>(EnvelopeMeta.Empty, result));
    }

    private ProblemResult NoBroker() => new(ApiProblem.Create(
        StatusCodes.Status404NotFound, "Not found", "There is no error queue: the service runs on the in-memory bus (set Messaging:RabbitMqUrl)."));
}
