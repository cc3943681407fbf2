using Microsoft.AspNetCore.Mvc;

namespace Dispatcher.Api.Errors;

/// <summary>
/// Builds every error body of the API: RFC 9457 <c>application/problem+json</c> that also carries the original
/// service's <c>errors: [{ message, code }]</c> array, so both .NET clients and existing clients understand it.
/// </summary>
public static class ApiProblem
{
    public const string ContentType = "application/problem+json";

    /// <summary>
    /// A problem with <paramref name="status"/>, a short <paramref name="title"/>, and one entry in <c>errors</c> per
    /// message (at least <paramref name="detail"/>). <paramref name="rule"/>, when given, goes into the <c>rule</c>
    /// extension (a domain rule or machine-readable reason).
    /// </summary>
    public static ProblemDetails Create(
        int status, string title, string detail, IEnumerable<ApiError>? errors = null, string? rule = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"https://httpstatuses.io/{status}",
            Title = title,
            Status = status,
            Detail = detail,
        };
        var list = errors?.ToList() ?? [];
        if (list.Count == 0)
        {
            list.Add(new ApiError(detail, status));
        }

        problem.Extensions["errors"] = list;
        if (rule is not null)
        {
            problem.Extensions["rule"] = rule;
        }

        return problem;
    }

    /// <summary>Writes <paramref name="problem"/> to the response (used by middleware outside MVC).</summary>
    public static Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        problem.Instance ??= context.Request.Path;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, ContentType);
    }
}

/// <summary>One entry of the original service's <c>errors</c> array.</summary>
/// <param name="Message">What went wrong.</param>
/// <param name="Code">The HTTP status.</param>
/// <param name="Field">The request field at fault (a JSON path such as <c>applications[0].inbound.flows[1].operation</c>), when known.</param>
public sealed record ApiError(
    string Message,
    int Code,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Field = null);
