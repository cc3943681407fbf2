using System.Net.Http.Headers;

namespace Dispatcher.Client;

/// <summary>
/// Puts <c>Authorization: Bearer &lt;token&gt;</c> on every request, with the token from a provider asked per
/// request (so a renewed token is used as soon as the provider has it). An empty token sends no header.
/// </summary>
public sealed class DispatcherBearerTokenHandler : DelegatingHandler
{
    private readonly Func<CancellationToken, ValueTask<string>> _tokenProvider;

    /// <summary>A handler that asks <paramref name="tokenProvider"/> for the token of each request.</summary>
    /// <param name="tokenProvider">Returns the current token.</param>
    public DispatcherBearerTokenHandler(Func<CancellationToken, ValueTask<string>> tokenProvider)
    {
        ArgumentNullException.ThrowIfNull(tokenProvider);
        _tokenProvider = tokenProvider;
    }

    /// <summary>A handler that sends a fixed token.</summary>
    /// <param name="token">The token.</param>
    public DispatcherBearerTokenHandler(string token)
        : this(_ => ValueTask.FromResult(token))
    {
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await _tokenProvider(cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
