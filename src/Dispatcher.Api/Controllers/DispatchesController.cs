using System.Text.Json;
using Dispatcher.Api.Auth;
using Dispatcher.Api.Errors;
using Dispatcher.Api.Http;
using Dispatcher.Api.OpenApi;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.AddApps;
using Dispatcher.Application.Configurations.CreateConfiguration;
using Dispatcher.Application.Configurations.DeleteConfiguration;
using Dispatcher.Application.Configurations.GetConfiguration;
using Dispatcher.Application.Configurations.ListConfigurations;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.RemoveApp;
using Dispatcher.Application.Configurations.ReplaceConfiguration;
using Dispatcher.Application.Configurations.Shared;
using Dispatcher.Application.Configurations.UpdateApp;
using Dispatcher.Application.Ports;
using FluentValidation.Results;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Controllers;

/// <summary>
/// Dispatch configurations of the caller's tenant. Every route needs a bearer token whose tenant claim decides which
/// configurations exist for the caller; another tenant's configuration answers exactly like a missing one (404).
/// Writes answer with the stored configuration and an <c>ETag</c> (its version); send it back as <c>If-Match</c>
/// to make sure nobody changed the configuration in between (412 otherwise).
/// </summary>
[ApiController]
[Route("dispatches")]
[Authorize(Policy = DispatcherPolicies.Tenant)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status401Unauthorized, ApiProblem.ContentType)]
[ProducesResponseType<ProblemResponse>(StatusCodes.Status403Forbidden, ApiProblem.ContentType)]
public sealed class DispatchesController(IMediator mediator, IOptions<JsonOptions> jsonOptions) : ControllerBase
{
    /// <summary>Lists the tenant's configurations, oldest first (an empty list when there are none).</summary>
    [HttpGet]
    [ProducesResponseType<Envelope<IReadOnlyList<ConfigurationDto>>>(StatusCodes.Status200OK, "application/json")]
    public async Task<ActionResult<Envelope<IReadOnlyList<ConfigurationDto>>>> List(CancellationToken cancellationToken) =>
        new Envelope<IReadOnlyList<ConfigurationDto>>(EnvelopeMeta.Empty, await mediator.Send(new ListConfigurations(Tenant), cancellationToken));

    /// <summary>Returns one configuration.</summary>
    /// <param name="id">The configuration id (24 hex digits).</param>
    /// <param name="cancellationToken">Cancelled when the client goes away.</param>
    /// <response code="200">The configuration; its version is in the ETag header.</response>
    /// <response code="400">The id is not 24 hex digits.</response>
    /// <response code="404">No such configuration for the caller's tenant.</response>
    [HttpGet("{id}")]
    [ProducesResponseType<Envelope<ConfigurationDto>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status400BadRequest, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status404NotFound, ApiProblem.ContentType)]
    public async Task<ActionResult<Envelope<ConfigurationDto>>> Get(string id, CancellationToken cancellationToken)
    {
        var configuration = await mediator.Send(new GetConfiguration(Tenant, id), cancellationToken);
        SetETag(configuration);
        return new Envelope<ConfigurationDto>(EnvelopeMeta.Empty, configuration);
    }

    /// <summary>Stores a new configuration and provisions a flow for every connection of every active side.</summary>
    /// <remarks>All or nothing: if any flow cannot be created, the flows created so far are removed and nothing is saved.</remarks>
    /// <response code="201">Created; the body is the stored configuration with its flow ids.</response>
    /// <response code="400">The body is malformed or a field is invalid (every failure listed with its field).</response>
    /// <response code="413">The body is larger than the configured limit.</response>
    /// <response code="422">A domain rule is violated (e.g. two identical connections on one side).</response>
    /// <response code="502">The Flow Repository refused to create a flow.</response>
    /// <response code="503">The Flow Repository could not be reached.</response>
    [HttpPost]
    [Consumes("application/json")]
    [RequestExample(RequestExamples.Configuration)]
    [ProducesResponseType<Envelope<ConfigurationDto>>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status400BadRequest, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status413PayloadTooLarge, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status422UnprocessableEntity, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status502BadGateway, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status503ServiceUnavailable, ApiProblem.ContentType)]
    public async Task<IActionResult> Create([FromBody] ConfigurationInput body, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new CreateConfiguration(Caller(), body), cancellationToken);
        SetETag(result.Configuration!);
        return CreatedAtAction(nameof(Get), new { id = result.Configuration!.Id }, ToEnvelope(result));
    }

    /// <summary>
    /// Replaces name, data model and applications. Send apps and connections back with their <c>_id</c> to keep
    /// them and their flows; new connections get flows, removed ones lose them, switched-off sides have their flows
    /// stopped. The id in the body, if any, is ignored: the path decides what is written.
    /// </summary>
    /// <response code="200">The stored configuration.</response>
    /// <response code="404">No such configuration for the caller's tenant.</response>
    /// <response code="409">Someone else changed the configuration at the same time; reload and retry.</response>
    /// <response code="412">The If-Match version is not the stored one.</response>
    [HttpPatch("{id}")]
    [Consumes("application/json")]
    [RequestExample(RequestExamples.Configuration)]
    [ProducesResponseType<Envelope<ConfigurationDto>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status400BadRequest, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status404NotFound, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status409Conflict, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status412PreconditionFailed, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status422UnprocessableEntity, ApiProblem.ContentType)]
    public async Task<IActionResult> Replace(string id, [FromBody] ConfigurationInput body, CancellationToken cancellationToken) =>
        Written(await mediator.Send(new ReplaceConfiguration(Caller(), id, body), cancellationToken));

    /// <summary>Deletes a configuration and all its flows (flows that cannot be removed now are listed as pending).</summary>
    /// <response code="200">Deleted.</response>
    /// <response code="404">No such configuration for the caller's tenant.</response>
    /// <response code="409">Someone else changed the configuration between reading and deleting it; reload and retry.</response>
    [HttpDelete("{id}")]
    [ProducesResponseType<Envelope<DeletionResult>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status400BadRequest, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status404NotFound, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status409Conflict, ApiProblem.ContentType)]
    public async Task<ActionResult<Envelope<DeletionResult>>> Delete(string id, CancellationToken cancellationToken)
    {
        var result = await mediator.Send(new DeleteConfiguration(Caller(), id), cancellationToken);
        return new Envelope<DeletionResult>(EnvelopeMeta.ForWrite(result.PendingCleanup), new DeletionResult(id, "Deletion successful"));
    }

    /// <summary>Adds one app (an object) or several (an array) and provisions their flows.</summary>
    /// <response code="200">The stored configuration.</response>
    /// <response code="404">No such configuration for the caller's tenant.</response>
    [HttpPut("{id}/app")]
    [Consumes("application/json")]
    [RequestExample(RequestExamples.App)]
    [ProducesResponseType<Envelope<ConfigurationDto>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status400BadRequest, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status404NotFound, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status422UnprocessableEntity, ApiProblem.ContentType)]
    public async Task<IActionResult> AddApps(string id, [FromBody] JsonElement body, CancellationToken cancellationToken) =>
        Written(await mediator.Send(new AddApps(Caller(), id, ReadApps(body)), cancellationToken));

    /// <summary>Changes one app partially, e.g. <c>{"inbound":{"active":false}}</c>; the flow consequences follow.</summary>
    /// <response code="200">The stored configuration.</response>
    /// <response code="404">No such configuration or app.</response>
    [HttpPatch("{id}/app/{appId}")]
    [Consumes("application/json")]
    [RequestExample(RequestExamples.AppPatch)]
    [ProducesResponseType<Envelope<ConfigurationDto>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status400BadRequest, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status404NotFound, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status422UnprocessableEntity, ApiProblem.ContentType)]
    public async Task<IActionResult> UpdateApp(string id, string appId, [FromBody] AppPatch body, CancellationToken cancellationToken) =>
        Written(await mediator.Send(new UpdateApp(Caller(), id, appId, body), cancellationToken));

    /// <summary>Removes one app and its flows.</summary>
    /// <response code="200">The stored configuration.</response>
    /// <response code="404">No such configuration or app.</response>
    [HttpDelete("{id}/app/{appId}")]
    [ProducesResponseType<Envelope<ConfigurationDto>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status400BadRequest, ApiProblem.ContentType)]
    [ProducesResponseType<ProblemResponse>(StatusCodes.Status404NotFound, ApiProblem.ContentType)]
    public async Task<IActionResult> RemoveApp(string id, string appId, CancellationToken cancellationToken) =>
        Written(await mediator.Send(new RemoveApp(Caller(), id, appId), cancellationToken));

    private Domain.Configurations.TenantId Tenant =>
        User.GetTenant() ?? throw new InvalidOperationException("The tenant policy admitted a caller without a tenant.");

    private Caller Caller() => new(Tenant, new FlowCallContext(Request.GetBearerToken()), IfMatchVersion());

    private long? IfMatchVersion()
    {
        var header = Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }

        var text = header.Trim();
        text = text.StartsWith("W/", StringComparison.Ordinal) ? text[2..] : text;
        return long.TryParse(text.Trim('"'), out var version)
            ? version
            : throw new RequestValidationException([new ValidationFailure("If-Match", $"If-Match must be an ETag this API returned, got '{header}'.")]);
    }

    private OkObjectResult Written(ConfigurationChangeResult result)
    {
        SetETag(result.Configuration!);
        return Ok(ToEnvelope(result));
    }

    private static Envelope<ConfigurationDto> ToEnvelope(ConfigurationChangeResult result) =>
        new(EnvelopeMeta.ForWrite(result.PendingCleanup), result.Configuration!);

    private void SetETag(ConfigurationDto configuration) => Response.Headers.ETag = $"\"{configuration.Version}\"";

    private List<AppInput?> ReadApps(JsonElement body)
    {
        var options = jsonOptions.Value.JsonSerializerOptions;
        try
        {
            return body.ValueKind switch
            {
                JsonValueKind.Array => body.Deserialize<List<AppInput?>>(options) ?? [],
                JsonValueKind.Object => [body.Deserialize<AppInput>(options)],
                _ => throw new RequestValidationException([new ValidationFailure("body", "Send one app (an object) or an array of apps.")]),
            };
        }
        catch (JsonException e)
        {
            throw new RequestValidationException([new ValidationFailure(e.Path is { } path ? path.TrimStart('$', '.') : "body", e.Message)]);
        }
    }
}
