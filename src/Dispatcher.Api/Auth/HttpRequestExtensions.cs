namespace Dispatcher.Api.Auth;

/// <summary>Access to the caller's raw bearer token, e.g. to forward it to the Flow Repository.</summary>
public static class HttpRequestExtensions
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>
    /// The token of a single <c>Authorization: Bearer &lt;token&gt;</c> header (scheme case-insensitive), or
    /// <see langword="null"/> when there is none, it is empty, or another scheme is used.
    /// </summary>
    public static string? GetBearerToken(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } header
            || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[BearerPrefix.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
