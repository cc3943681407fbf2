using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Dispatcher.Api.Errors;

/// <summary>The one place that turns exceptions into problem responses.</summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // The client went away; nobody reads an answer.
        }

        var problem = ToProblem(exception);
        if (problem.Status >= 500)
        {
            LogServerError(exception, problem.Status.Value, httpContext.Request.Method, httpContext.Request.Path);
        }

        await ApiProblem.WriteAsync(httpContext, problem);
        return true;
    }

    internal static ProblemDetails ToProblem(Exception exception) => exception switch
    {
        RequestValidationException e => ValidationProblem(e),
        DomainRuleViolationException { Rule: DomainRules.NotFound } e =>
            ApiProblem.Create(StatusCodes.Status404NotFound, "Not found", e.Message, rule: e.Rule),
        DomainRuleViolationException e =>
            ApiProblem.Create(StatusCodes.Status422UnprocessableEntity, "Rule violated", e.Message, rule: e.Rule),
        NotFoundException e => ApiProblem.Create(StatusCodes.Status404NotFound, "Not found", e.Message),
        ConcurrencyConflictException e => ApiProblem.Create(
            StatusCodes.Status409Conflict, "Conflict", $"{e.Message} Reload the configuration and try again."),
        PreconditionFailedException e => ApiProblem.Create(StatusCodes.Status412PreconditionFailed, "Precondition failed", e.Message),
        FlowProvisioningFailedException e => FlowProblem(e.Failure, e.Message),
        FlowRepositoryException e => FlowProblem(e.Failure, e.Message),
        MalformedEventException e => ApiProblem.Create(StatusCodes.Status400BadRequest, "Malformed event", e.Message),
        HopLimitExceededException e => ApiProblem.Create(StatusCodes.Status422UnprocessableEntity, "Hop limit exceeded", e.Message),
        BadHttpRequestException e => ApiProblem.Create(e.StatusCode, "Bad request", e.Message),
        _ => ApiProblem.Create(StatusCodes.Status500InternalServerError, "Internal error", "An unexpected error occurred."),
    };

    /// <summary>
    /// 400 for invalid fields; 422 naming the limit (<c>rule</c> = <c>limit.*</c>) when a size limit is exceeded.
    /// Every failure is listed either way, each entry with its own status.
    /// </summary>
    private static ProblemDetails ValidationProblem(RequestValidationException e)
    {
        var limit = e.Failures.Select(f => f.ErrorCode).FirstOrDefault(InputLimits.Names.IsLimit);
        var errors = e.Failures.Select(f => new ApiError(
            f.ErrorMessage,
            InputLimits.Names.IsLimit(f.ErrorCode) ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest,
            JsonPath.FromPropertyName(f.PropertyName)));
        var detail = string.Join(" ", e.Failures.Select(f => f.ErrorMessage).Distinct());
        return limit is null
            ? ApiProblem.Create(StatusCodes.Status400BadRequest, "Validation failed", detail, errors)
            : ApiProblem.Create(StatusCodes.Status422UnprocessableEntity, "Limit exceeded", detail, errors, rule: limit);
    }

    private static ProblemDetails FlowProblem(FlowFailure failure, string message) => failure == FlowFailure.Unavailable
        ? ApiProblem.Create(StatusCodes.Status503ServiceUnavailable, "Flow Repository unavailable", message, rule: "flowRepository.unavailable")
        : ApiProblem.Create(StatusCodes.Status502BadGateway, "Flow Repository failed", message, rule: "flowRepository.failed");

    [LoggerMessage(LogLevel.Error, "Request {Method} {Path} failed with {Status}")]
    private partial void LogServerError(Exception exception, int status, string method, string path);
}

/// <summary>Turns validator property names into the JSON paths clients sent.</summary>
internal static class JsonPath
{
    /// <summary><c>Input.Applications[0].Inbound.Flows[1].Operation</c> → <c>applications[0].inbound.flows[1].operation</c>.</summary>
    public static string FromPropertyName(string propertyName)
    {
        var segments = propertyName.Split('.').ToList();
        if (segments.Count > 1 && segments[0] is "Input" or "Patch")
        {
            segments.RemoveAt(0);
        }
        else if (segments[0].StartsWith("Apps[", StringComparison.Ordinal))
        {
            segments[0] = segments[0]["Apps".Length..];
        }

        return string.Join('.', segments.Select(s => s.Length > 0 ? char.ToLowerInvariant(s[0]) + s[1..] : s));
    }
}
