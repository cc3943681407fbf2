using System.Net;

namespace Dispatcher.Client;

/// <summary>A successful answer of a configuration route: the payload with its version (<c>ETag</c>) and meta.</summary>
/// <typeparam name="T">The payload type.</typeparam>
public sealed record DispatcherResponse<T>
{
    /// <summary>The payload (the envelope's <c>data</c>).</summary>
    public required T Data { get; init; }

    /// <summary>The HTTP status (200, or 201 for a create).</summary>
    public HttpStatusCode StatusCode { get; init; }

    /// <summary>The <c>ETag</c> header as the service sent it (e.g. <c>"3"</c>, quotes included), or null.</summary>
    public string? ETag { get; init; }

    /// <summary>The configuration version the <see cref="ETag"/> names: pass it as <c>expectedVersion</c> to a write.</summary>
    public long? Version { get; init; }

    /// <summary>Flows that should be gone but could not be removed yet (retried by the service in the background).</summary>
    public IReadOnlyList<string> PendingCleanup { get; init; } = [];
}
