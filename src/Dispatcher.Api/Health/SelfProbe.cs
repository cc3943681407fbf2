using System.Globalization;

namespace Dispatcher.Api.Health;

/// <summary>
/// <c>dotnet Dispatcher.Api.dll --probe /health/live</c>: asks the running service on this machine for a probe path
/// and exits 0 on 200, else 1. The container image's HEALTHCHECK uses it (the runtime image has no curl). The port is
/// <c>PORT</c>, else the first of <c>ASPNETCORE_HTTP_PORTS</c>, else 3013; an absolute URL may be given instead of a path.
/// </summary>
public static class SelfProbe
{
    public const string Switch = "--probe";

    /// <summary>Probes <paramref name="target"/> (a path or an absolute URL); returns the exit code.</summary>
    public static async Task<int> RunAsync(string target, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var url = Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
            ? absolute
            : new Uri($"http://127.0.0.1:{Port()}/{target.TrimStart('/')}");
        using var client = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(url);
            Console.WriteLine($"{url} answered {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{url} did not answer: {e.GetType().Name}");
            return 1;
        }
    }

    private static int Port()
    {
        static int? Parse(string? text) =>
            int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;
        return Parse(Environment.GetEnvironmentVariable("PORT"))
            ?? Parse(Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split(';', ',')[0])
            ?? 3013;
    }
}
