using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Dispatcher.Api.Auth;

/// <summary>The authentication scheme names; <c>Auth:Mode</c> picks the default one.</summary>
public static class DispatcherAuthenticationSchemes
{
    /// <summary>Local JWT validation, configured from <c>Authentication:Schemes:Bearer</c>.</summary>
    public const string Jwt = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>OIH IAM token introspection.</summary>
    public const string Introspection = "Introspection";
}
