namespace Dispatcher.Api.Auth;

/// <summary>The <c>Auth</c> configuration section.</summary>
public sealed class DispatcherAuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The token verification mode (<c>Auth:Mode</c>).</summary>
    public AuthMode Mode { get; set; } = AuthMode.Jwt;

    /// <summary>The claim (JWT) or account field (introspection) that names the caller's tenant (<c>Auth:TenantClaim</c>).</summary>
    public string TenantClaim { get; set; } = "tenant";

    /// <summary>IAM introspection settings (<c>Auth:Introspection</c>), used when <see cref="Mode"/> is <see cref="AuthMode.Introspection"/>.</summary>
    public IntrospectionOptions Introspection { get; set; } = new();
}

/// <summary>The <c>Auth:Introspection</c> configuration section.</summary>
public sealed class IntrospectionOptions
{
    /// <summary>The IAM "basic" introspection endpoint, e.g. <c>http://iam/api/v1/tokens/introspect</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The service token sent as <c>Authorization: Bearer</c> to the IAM; it needs <c>iam.token.introspect</c>.</summary>
    public string? ServiceToken { get; set; }

    /// <summary>How long a successful introspection is reused, in seconds; 0 turns the cache off.</summary>
    public int CacheTtlSeconds { get; set; }

    /// <summary>The IAM call timeout in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 5;
}
