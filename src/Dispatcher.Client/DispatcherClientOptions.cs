namespace Dispatcher.Client;

/// <summary>Settings of the client registered by <c>services.AddDispatcherClient(…)</c>.</summary>
public sealed class DispatcherClientOptions
{
    /// <summary>The service's base address, e.g. <c>http://dispatcher:3013/</c> (required).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>A fixed bearer token (a tenant's token). Ignored when <see cref="TokenProvider"/> is set.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// Gets the bearer token for each request (e.g. from a token cache that renews it). Wins over <see cref="Token"/>;
    /// an empty token sends no <c>Authorization</c> header.
    /// </summary>
    public Func<CancellationToken, ValueTask<string>>? TokenProvider { get; set; }

    /// <summary>The time a request may take (100 seconds by default, as <see cref="HttpClient"/>).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
}
