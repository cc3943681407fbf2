using System.Globalization;
using System.Net;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>
/// The production <see cref="IFlowProvisioner"/>: flows live in the Open Integration Hub's Flow Repository and are
/// reached over HTTP (<see cref="IFlowRepositoryApi"/>, with the resilience rules of
/// <see cref="FlowRepositoryResilience"/>). Calls on behalf of a caller carry the caller's token, so flows are owned by
/// the caller's tenant; other calls carry <see cref="FlowRepositoryOptions.ServiceToken"/>. Every failure leaves as a
/// <see cref="FlowRepositoryException"/> (see <see cref="FlowRepositoryFailures"/>).
/// </summary>
internal sealed partial class FlowRepositoryProvisioner(
    IFlowRepositoryApi api,
    IOptions<FlowRepositoryOptions> options,
    ILogger<FlowRepositoryProvisioner> logger) : IFlowProvisioner
{
    private readonly FlowGraphBuilder _graphs = new(options.Value.Sdf);
    private readonly string _serviceToken = options.Value.ServiceToken
        ?? throw new InvalidOperationException($"{FlowRepositoryOptions.SectionName}:ServiceToken is required.");

    /// <inheritdoc />
    /// <remarks>
    /// Two calls, as the original service makes them: <c>POST /flows</c> with a placeholder graph to obtain the id, then
    /// <c>PATCH /flows/{id}</c> with the complete graph whose SDF nodes carry that id. When the PATCH fails the placeholder
    /// is deleted (it is inactive, so it may be) before the failure is reported. Once the POST has been sent the
    /// caller's cancellation is no longer passed on: abandoning the create halfway would leave a flow whose id nobody
    /// knows. Each call stays bounded by <see cref="FlowRepositoryOptions.TimeoutSeconds"/>, and a caller that gave up
    /// still gets the id, to roll it back.
    /// </remarks>
    public async Task<FlowId> CreateAsync(FlowDefinition definition, FlowCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        cancellationToken.ThrowIfCancellationRequested();
        var token = TokenFor(context);

        var flowId = await CreatePlaceholderAsync(definition, token);
        try
        {
            var complete = _graphs.Complete(definition, flowId);
            var answer = await SendAsync(
                $"PATCH /flows/{flowId}", () => api.UpdateAsync(flowId.Value, complete, token, CancellationToken.None));
            if (!answer.IsSuccess)
            {
                throw answer.ToFailure();
            }
        }
        catch (Exception patchFailure)
        {
            throw await RemovePlaceholderAsync(flowId, token, patchFailure);
        }

        LogCreated(flowId.Value, definition.Connection.Id.Value, context.ToString());
        return flowId;
    }

    public async Task<FlowStatus?> GetStatusAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        var token = TokenFor(context);
        var answer = await SendAsync(
            $"GET /flows/{flowId}", () => api.GetAsync(flowId.Value, token, cancellationToken), cancellationToken);
        if (answer.Status == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!answer.IsSuccess)
        {
            throw answer.ToFailure();
        }

        return StatusOf(answer.Content?.Data?.Status, answer.Call);
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>GET /flows</c> with the service token, by page number (<paramref name="page"/> is the number as text). The
    /// repository answers 404 for a page past the end.
    /// </remarks>
    public async Task<FlowPage> ListAsync(string? page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var number = page is null ? 1 : int.Parse(page, CultureInfo.InvariantCulture);
        var answer = await SendAsync(
            $"GET /flows?page[number]={number}",
            () => api.ListAsync(pageSize, number, _serviceToken, cancellationToken),
            cancellationToken);
        if (answer.Status == HttpStatusCode.NotFound)
        {
            return new FlowPage([], null);
        }

        if (!answer.IsSuccess)
        {
            throw answer.ToFailure();
        }

        var flows = new List<FlowSummary>();
        foreach (var flow in answer.Content?.Data ?? [])
        {
            if (FlowId.TryParse(flow.Id, out var flowId))
            {
                flows.Add(new FlowSummary(flowId, StatusOf(flow.Status, answer.Call), FlowOwnerMarker.Read(flow.Description), flow.CreatedAt));
            }
        }

        var next = (answer.Content?.Data?.Count ?? 0) < pageSize ? null : (number + 1).ToString(CultureInfo.InvariantCulture);
        return new FlowPage(flows, next);
    }

    private static FlowStatus StatusOf(string? status, string call) => status switch
    {
        "inactive" => FlowStatus.Inactive,
        "starting" => FlowStatus.Starting,
        "active" => FlowStatus.Active,
        "stopping" => FlowStatus.Stopping,
        var other => throw FlowRepositoryFailures.Unreadable(call, $"an unknown flow status '{other}'"),
    };

    public async Task StartAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        var token = TokenFor(context);
        var answer = await SendAsync(
            $"POST /flows/{flowId}/start", () => api.StartAsync(flowId.Value, token, cancellationToken), cancellationToken);
        if (!answer.IsSuccess)
        {
            throw answer.ToFailure();
        }
    }

    public async Task StopAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        var token = TokenFor(context);
        var answer = await SendAsync(
            $"POST /flows/{flowId}/stop", () => api.StopAsync(flowId.Value, token, cancellationToken), cancellationToken);
        if (!answer.IsSuccess)
        {
            throw answer.ToFailure();
        }
    }

    public Task DeleteAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
        DeleteAsync(flowId, TokenFor(context), cancellationToken);

    private async Task DeleteAsync(FlowId flowId, string token, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(
            $"DELETE /flows/{flowId}", () => api.DeleteAsync(flowId.Value, token, cancellationToken), cancellationToken);
        switch (answer.Status)
        {
            case var status when answer.IsSuccess || status == HttpStatusCode.NotFound:
                return; // 404: already gone, which is what was asked for.
            case HttpStatusCode.Conflict:
                throw new FlowRepositoryException(
                    FlowFailure.Conflict,
                    $"Flow {flowId} cannot be deleted before it is inactive. {answer.ToFailure().Message}");
            default:
                throw answer.ToFailure();
        }
    }

    private async Task<FlowId> CreatePlaceholderAsync(FlowDefinition definition, string token)
    {
        var placeholder = _graphs.Placeholder(definition);
        var answer = await SendAsync("POST /flows", () => api.CreateAsync(placeholder, token, CancellationToken.None));
        if (!answer.IsSuccess)
        {
            throw answer.ToFailure();
        }

        // A 2xx without a usable id leaves a flow we cannot address; nothing can be cleaned up then.
        return FlowId.TryParse(answer.Content?.Data?.Id, out var flowId)
            ? flowId
            : throw FlowRepositoryFailures.Unreadable(answer.Call, "no flow id");
    }

    /// <summary>Deletes the placeholder after a failed PATCH; returns the exception to throw.</summary>
    private async Task<Exception> RemovePlaceholderAsync(FlowId flowId, string token, Exception patchFailure)
    {
        try
        {
            await DeleteAsync(flowId, token, CancellationToken.None);
            return patchFailure;
        }
        catch (FlowRepositoryException cleanupFailure)
        {
            LogPlaceholderLeft(flowId.Value, cleanupFailure.Failure, cleanupFailure.Message);
            var failure = patchFailure as FlowRepositoryException;
            return new FlowRepositoryException(
                failure?.Failure ?? FlowFailure.Failed,
                $"{patchFailure.Message} Its placeholder flow {flowId} could not be removed either: {cleanupFailure.Message}",
                patchFailure);
        }
    }

    private string TokenFor(FlowCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return string.IsNullOrWhiteSpace(context.BearerToken) ? _serviceToken : context.BearerToken;
    }

    /// <summary>Sends one call and reads its answer; a call that got no answer throws <see cref="FlowFailure.Unavailable"/>.</summary>
    private static Task<FlowRepositoryAnswer<T>> SendAsync<T>(string call, Func<Task<IApiResponse<T>>> send) =>
        SendAsync(call, send, CancellationToken.None);

    private static async Task<FlowRepositoryAnswer<T>> SendAsync<T>(
        string call, Func<Task<IApiResponse<T>>> send, CancellationToken cancellationToken)
    {
        return await ReceiveAsync(call, async () =>
        {
            using var response = await send();
            return Read(call, response, response.IsSuccessful ? response.Content : default);
        }, cancellationToken);
    }

    private static async Task<FlowRepositoryAnswer<object>> SendAsync(
        string call, Func<Task<IApiResponse>> send, CancellationToken cancellationToken)
    {
        return await ReceiveAsync(call, async () =>
        {
            using var response = await send();
            return Read<object>(call, response, null);
        }, cancellationToken);
    }

    private static async Task<FlowRepositoryAnswer<T>> ReceiveAsync<T>(
        string call, Func<Task<FlowRepositoryAnswer<T>>> receive, CancellationToken cancellationToken)
    {
        try
        {
            return await receive();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // The caller gave up: not a repository failure.
        }
        catch (ApiRequestException e)
        {
            // Only the transport cause travels on: Refit's exception holds the request and its Authorization header.
            throw FlowRepositoryFailures.Unavailable(call, e.InnerException ?? new HttpRequestException(e.Message));
        }
        catch (ApiException e)
        {
            return new FlowRepositoryAnswer<T>(call, e.StatusCode, default, e.Content);
        }
        catch (Exception e) when (FlowRepositoryFailures.IsUnreachable(e))
        {
            throw FlowRepositoryFailures.Unavailable(call, e);
        }
    }

    private static FlowRepositoryAnswer<T> Read<T>(string call, IApiResponse response, T? content)
    {
        if (response.HasRequestError(out var requestError))
        {
            throw FlowRepositoryFailures.Unavailable(
                call, requestError.InnerException ?? new HttpRequestException(requestError.Message));
        }

        if (response.StatusCode is not { } status)
        {
            throw FlowRepositoryFailures.Unavailable(call, new HttpRequestException("No answer was received."));
        }

        var errorBody = response.HasResponseError(out var responseError) ? responseError.Content : null;
        return new FlowRepositoryAnswer<T>(call, status, content, errorBody);
    }

    [LoggerMessage(LogLevel.Debug, "Created flow {FlowId} for connection {ConnectionId} with the {Authority} token")]
    private partial void LogCreated(string flowId, string connectionId, string authority);

    [LoggerMessage(LogLevel.Warning, "The placeholder of failed flow {FlowId} could not be removed ({Failure}): {Reason}")]
    private partial void LogPlaceholderLeft(string flowId, FlowFailure failure, string reason);
}
