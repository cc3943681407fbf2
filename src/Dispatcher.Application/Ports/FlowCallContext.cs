namespace Dispatcher.Application.Ports;

/// <summary>
/// Whose authority a Flow Repository call uses: the caller's bearer token for calls made on behalf of an HTTP
/// request (so flows are owned by the caller's tenant), or the configured service token when null.
/// </summary>
/// <param name="BearerToken">The caller's raw bearer token, or null for background work.</param>
public sealed record FlowCallContext(string? BearerToken)
{
    /// <summary>Background work: the service token.</summary>
    public static FlowCallContext Service { get; } = new((string?)null);

    public override string ToString() => BearerToken is null ? "service" : "caller"; // never print the token
}
