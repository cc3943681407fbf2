using System.Net;
using System.Text.Json;

namespace Dispatcher.Client;

/// <summary>
/// The service answered with an error. Built from its RFC 9457 problem body (<c>application/problem+json</c>), which
/// also carries the service's <c>errors</c> list (one entry per failure, with the field at fault when known).
/// </summary>
public sealed class DispatcherApiException : Exception
{
    /// <summary>Creates an exception for an error answer.</summary>
    /// <param name="statusCode">The HTTP status of the answer.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="detail">The problem's detail.</param>
    /// <param name="errors">The problem's <c>errors</c> list.</param>
    public DispatcherApiException(HttpStatusCode statusCode, string? title, string? detail, IReadOnlyList<DispatcherApiError>? errors = null)
        : base(MessageFor(statusCode, title, detail))
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        Errors = errors ?? [];
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The HTTP status as a number (the problem's <c>status</c>).</summary>
    public int Status => (int)StatusCode;

    /// <summary>A URI naming the problem type, if the body had one.</summary>
    public string? Type { get; init; }

    /// <summary>A short summary (e.g. <c>Validation failed</c>, <c>Precondition failed</c>).</summary>
    public string? Title { get; }

    /// <summary>What went wrong, precisely.</summary>
    public string? Detail { get; }

    /// <summary>The request path the problem is about.</summary>
    public string? Instance { get; init; }

    /// <summary>The violated rule or machine-readable reason (<c>rule</c>), when the service named one.</summary>
    public string? Rule { get; init; }

    /// <summary>The service's <c>errors</c> list: every failure, with its field when known (empty when the body had none).</summary>
    public IReadOnlyList<DispatcherApiError> Errors { get; }

    /// <summary>The response body as received (useful when it was not a problem document).</summary>
    public string? ResponseBody { get; init; }

    /// <summary>Builds the exception from an error answer's status and body (a problem document or anything else).</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="body">The response body, if any.</param>
    /// <returns>The exception describing the answer.</returns>
    public static DispatcherApiException FromResponse(HttpStatusCode statusCode, string? body)
    {
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                var problem = JsonSerializer.Deserialize<ProblemBody>(body, DispatcherJson.Options);
                if (problem is not null)
                {
                    return new DispatcherApiException(statusCode, problem.Title, problem.Detail, problem.Errors ?? [])
                    {
                        Type = problem.Type,
                        Instance = problem.Instance,
                        Rule = problem.Rule,
                        ResponseBody = body,
                    };
                }
            }
            catch (JsonException)
            {
                // Not a problem document (e.g. a proxy's HTML page): keep the body as it is.
            }
        }

        return new DispatcherApiException(statusCode, null, null) { ResponseBody = body };
    }

    private static string MessageFor(HttpStatusCode statusCode, string? title, string? detail) =>
        $"The dispatcher answered {(int)statusCode} {title ?? statusCode.ToString()}{(detail is null ? "" : ": " + detail)}";
}

/// <summary>One entry of the service's <c>errors</c> list.</summary>
/// <param name="Message">What went wrong.</param>
/// <param name="Code">The HTTP status of this failure (400 for an invalid field, 422 for an exceeded limit, …).</param>
/// <param name="Field">The request field at fault as a JSON path (e.g. <c>applications[0].inbound.flows[1].operation</c>), when known.</param>
public sealed record DispatcherApiError(string Message, int Code, string? Field = null);

/// <summary>The problem body (RFC 9457 plus the service's extensions).</summary>
internal sealed record ProblemBody(
    string? Type, string? Title, int? Status, string? Detail, string? Instance, IReadOnlyList<DispatcherApiError>? Errors, string? Rule);
