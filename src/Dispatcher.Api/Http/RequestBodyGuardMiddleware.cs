using System.Buffers;
using Dispatcher.Api.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Dispatcher.Api.Http;

/// <summary>
/// The one edge for request bodies, after authorization (an unauthenticated caller learns nothing about its body):
/// every body must fit <see cref="ApiOptions.MaxRequestBodyBytes"/> (413), and on every endpoint that consumes
/// <c>application/json</c> it must be declared as JSON in UTF-8 (415 otherwise) and pass <see cref="JsonBodyInspector"/>
/// (400 / 422) before model binding sees it.
/// </summary>
internal sealed class RequestBodyGuardMiddleware(RequestDelegate next, IOptions<ApiOptions> options)
{
    // The endpoint routing puts in place when no [Consumes] matches the request's Content-Type (ConsumesMatcherPolicy).
    private const string UnsupportedMediaTypeEndpoint = "415 HTTP Unsupported Media Type";

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await ApiProblem.WriteAsync(context, TooLarge(limit));
            return;
        }

        // Bodies without Content-Length (chunked) are cut by the server at the same limit while being read.
        var sizeLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
        {
            sizeLimit.MaxRequestBodySize = limit;
        }

        var endpoint = context.GetEndpoint();
        if (endpoint?.DisplayName == UnsupportedMediaTypeEndpoint)
        {
            await ApiProblem.WriteAsync(context, MediaTypeProblem(context.Request.ContentType)
                ?? Unsupported($"Content-Type '{Printable(context.Request.ContentType ?? "")}' is not supported here; send the body as application/json."));
            return;
        }

        var accepts = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>();
        if (accepts is null || !accepts.ContentTypes.Any(IsJson))
        {
            await next(context);
            return;
        }

        if (MediaTypeProblem(context.Request.ContentType) is { } unsupported)
        {
            await ApiProblem.WriteAsync(context, unsupported);
            return;
        }

        var body = await ReadAsync(context.Request.Body, limit, context.RequestAborted);
        if (body is null)
        {
            await ApiProblem.WriteAsync(context, TooLarge(limit));
            return;
        }

        if (JsonBodyInspector.Inspect(body) is { } problem)
        {
            await ApiProblem.WriteAsync(context, problem);
            return;
        }

        context.Request.Body = new MemoryStream(body, writable: false);
        context.Request.ContentLength = body.Length;
        await next(context);
    }

    /// <summary>Null for JSON in UTF-8 (no charset means UTF-8, RFC 8259); else a 415 problem.</summary>
    internal static Microsoft.AspNetCore.Mvc.ProblemDetails? MediaTypeProblem(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return Unsupported("The request has no Content-Type; send the body as application/json.");
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || !IsJson(mediaType.MediaType.Value))
        {
            return Unsupported($"Content-Type '{Printable(contentType)}' is not supported; send the body as application/json.");
        }

        var charset = mediaType.Charset.Value;
        return charset is null || charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || charset.Trim('"').Equals("utf8", StringComparison.OrdinalIgnoreCase)
            ? null
            : Unsupported($"Charset '{Printable(charset)}' is not supported; send the JSON body in UTF-8.");
    }

    private static bool IsJson(string? mediaType) =>
        mediaType is not null
        && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    private static string Printable(string text) =>
        new([.. text.Take(100).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c)]);

    private static Microsoft.AspNetCore.Mvc.ProblemDetails TooLarge(long limit) => ApiProblem.Create(
        StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The request body is larger than the limit of {limit} bytes.");

    private static Microsoft.AspNetCore.Mvc.ProblemDetails Unsupported(string detail) =>
        ApiProblem.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail, rule: "unsupportedMediaType");

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            int read;
            try
            {
                read = await stream.ReadAsync(memory, cancellationToken);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return null;
            }

            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }
}
