using Dispatcher.Api.Errors;

namespace Dispatcher.Api.Auth;

/// <summary>Writes the 401 problem of every authentication scheme.</summary>
internal static class BearerChallenge
{
    public const string MissingToken = "Missing bearer token.";
    public const string NotBearer = "The Authorization header must use the Bearer scheme.";

    /// <summary>
    /// Writes 401 with <c>WWW-Authenticate: Bearer</c> (RFC 6750) and a problem body. <paramref name="failure"/> is
    /// why a presented token was refused; <see langword="null"/> means no usable token was presented.
    /// </summary>
    public static Task WriteAsync(HttpContext context, string? failure)
    {
        var reason = failure ?? DescribeMissingToken(context.Request);
        context.Response.Headers.WWWAuthenticate = failure is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{reason}\"";
        return ApiProblem.WriteAsync(context, ApiProblem.Create(StatusCodes.Status401Unauthorized, "Unauthorized", reason));
    }

    private static string DescribeMissingToken(HttpRequest request)
    {
        if (request.GetBearerToken() is not null)
        {
            // A scheme challenged without having failed, e.g. an explicit ChallengeAsync.
            return "The bearer token was not accepted.";
        }

        var header = request.Headers.Authorization.ToString().Trim();
        var scheme = header.Split(' ', 2)[0];
        return header.Length == 0 || scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? MissingToken : NotBearer;
    }
}
