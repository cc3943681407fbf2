using Dispatcher.Api.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Http;

/// <summary>Settings of the HTTP API (section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>The largest accepted request body; larger bodies get 413. Default 1 MiB.</summary>
    [System.ComponentModel.DataAnnotations.Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>Answers 413 with a problem body for bodies over <see cref="ApiOptions.MaxRequestBodyBytes"/>.</summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return ApiProblem.WriteAsync(context, TooLarge(limit));
        }

        // Bodies without Content-Length (chunked) are cut by the server at the same limit while being read.
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(context);
    }

    internal static Microsoft.AspNetCore.Mvc.ProblemDetails TooLarge(long limit) => ApiProblem.Create(
        StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The request body is larger than the limit of {limit} bytes.");
}
