namespace Dispatcher.Api.Auth;

/// <summary>How the API verifies bearer tokens (<c>Auth:Mode</c>).</summary>
public enum AuthMode
{
    /// <summary>Validates JWTs locally (signing keys or an authority's JWKS); the default.</summary>
    Jwt,

    /// <summary>Asks the OIH IAM about every token (opaque tokens, "basic" introspection).</summary>
    Introspection,
}
