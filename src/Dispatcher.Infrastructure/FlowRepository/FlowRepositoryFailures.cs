using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dispatcher.Application.Common.Errors;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>
/// Turns what went wrong in a Flow Repository call into a <see cref="FlowRepositoryException"/>: HTTP details stay
/// here, and no message ever contains a token.
/// </summary>
internal static class FlowRepositoryFailures
{
    private const int MaxReasonLength = 300;

    /// <summary>
    /// An error answer: 401/403 → <see cref="FlowFailure.Unauthorized"/>; 502/503/504 → <see cref="FlowFailure.Unavailable"/>
    /// (the repository, or the gateway in front of it, says it cannot be reached or serve now); anything else →
    /// <see cref="FlowFailure.Failed"/>. The message names the call, the status code and the repository's
    /// <c>errors[0].message</c> when there is one.
    /// </summary>
    public static FlowRepositoryException FromAnswer(string call, HttpStatusCode status, string? body)
    {
        var code = (int)status;
        var reason = ReasonFrom(body);
        var detail = reason is null ? "." : $": {reason}";
        return status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new FlowRepositoryException(
                FlowFailure.Unauthorized, $"The Flow Repository refused the credentials of {call} ({code}){detail}"),
            HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => new FlowRepositoryException(
                FlowFailure.Unavailable, $"The Flow Repository is unavailable: it answered {code} to {call}{detail}"),
            _ => new FlowRepositoryException(FlowFailure.Failed, $"The Flow Repository answered {code} to {call}{detail}"),
        };
    }

    /// <summary>A 2xx answer without the expected content.</summary>
    public static FlowRepositoryException Unreadable(string call, string what) =>
        new(FlowFailure.Failed, $"The Flow Repository's answer to {call} has {what}.");

    /// <summary>
    /// True for a failure to get any answer: network errors, timeouts (per attempt, total, or the client's), an open
    /// circuit or a full bulkhead. A cancellation the caller asked for is not one of them and is checked before.
    /// </summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is HttpRequestException or ExecutionRejectedException or OperationCanceledException
            or IOException or SocketException;

    /// <summary>No answer from the repository (see <see cref="IsUnreachable"/>); the cause is kept as the inner exception.</summary>
    public static FlowRepositoryException Unavailable(string call, Exception cause) =>
        new(FlowFailure.Unavailable, $"The Flow Repository could not be reached for {call} ({Describe(cause)}).", cause);

    private static string Describe(Exception cause) => cause switch
    {
        TimeoutRejectedException e => $"no answer within {e.Timeout.TotalSeconds:0.###} s",
        BrokenCircuitException => "calls are suspended for a few seconds after repeated failures",
        ExecutionRejectedException => "too many calls at once",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "connection failed",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "host name not found",
        HttpRequestException e => $"network error: {e.HttpRequestError}",
        OperationCanceledException => "timed out",
        _ => cause.GetType().Name,
    };

    /// <summary>
    /// <c>errors[0].message</c> of <c>{"errors":[{"message":…}]}</c>, or <c>errors</c> itself when it is a string (the
    /// repository answers <c>{"errors":"Invalid id"}</c> on some routes); null for anything else.
    /// </summary>
    private static string? ReasonFrom(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("errors", out var errors))
            {
                return null;
            }

            var text = errors.ValueKind switch
            {
                JsonValueKind.String => errors.GetString(),
                JsonValueKind.Array when errors.GetArrayLength() > 0 => MessageOf(errors[0]),
                _ => null,
            };
            return string.IsNullOrWhiteSpace(text) ? null : Shorten(text.Trim());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? MessageOf(JsonElement error) => error.ValueKind switch
    {
        JsonValueKind.String => error.GetString(),
        JsonValueKind.Object when error.TryGetProperty("message", out var message) => message.ValueKind == JsonValueKind.String
            ? message.GetString()
            : message.GetRawText(),
        _ => null,
    };

    private static string Shorten(string text) => text.Length <= MaxReasonLength ? text : text[..MaxReasonLength] + "…";
}
