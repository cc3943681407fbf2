using Dispatcher.Api.Auth.Authorization;
using Dispatcher.Api.Auth.Introspection;
using Dispatcher.Api.Auth.Jwt;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Auth;

/// <summary>Wires bearer-token authentication and the tenant policy (see docs/authentication.md).</summary>
public static class AuthenticationExtensions
{
    internal const string BearerSection = "Authentication:Schemes:" + DispatcherAuthenticationSchemes.Jwt;

    /// <summary>
    /// Registers both schemes (JWT from <c>Authentication:Schemes:Bearer</c>, IAM introspection from
    /// <c>Auth:Introspection</c>), makes the one <c>Auth:Mode</c> selects the default, and adds the
    /// <see cref="DispatcherPolicies.Tenant"/> policy as the default policy. The <c>Auth</c> section is validated at
    /// start-up.
    /// </summary>
    public static IServiceCollection AddDispatcherAuthentication(
        this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);

        services.AddOptions<DispatcherAuthOptions>()
            .Bind(configuration.GetSection(DispatcherAuthOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DispatcherAuthOptions>, DispatcherAuthOptionsValidator>();

        // The mode is read when the options are built, not here, so configuration added after this call counts.
        services.AddOptions<AuthenticationOptions>()
            .Configure<IOptions<DispatcherAuthOptions>>((authentication, auth) =>
                authentication.DefaultScheme = auth.Value.Mode == AuthMode.Introspection
                    ? DispatcherAuthenticationSchemes.Introspection
                    : DispatcherAuthenticationSchemes.Jwt);

        services.AddSingleton<DispatcherJwtBearerEvents>();
        services.AddAuthentication()
            .AddJwtBearer(DispatcherAuthenticationSchemes.Jwt, jwt => ConfigureJwt(jwt, configuration, environment))
            .AddScheme<AuthenticationSchemeOptions, IntrospectionAuthenticationHandler>(
                DispatcherAuthenticationSchemes.Introspection, _ => { });

        services.AddMemoryCache();
        services.AddHttpClient<IamIntrospectionClient>(IamIntrospectionClient.HttpClientName, (provider, http) =>
            http.Timeout = TimeSpan.FromSeconds(
                provider.GetRequiredService<IOptions<DispatcherAuthOptions>>().Value.Introspection.TimeoutSeconds));

        return services.AddTenantPolicy();
    }

    /// <summary>Adds authentication and authorization to the pipeline (after routing, before the endpoints).</summary>
    public static IApplicationBuilder UseDispatcherAuthentication(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseAuthentication().UseAuthorization();
    }

    // Runs after the standard binding of Authentication:Schemes:Bearer.
    private static void ConfigureJwt(JwtBearerOptions jwt, IConfiguration configuration, IHostEnvironment environment)
    {
        // Claim names stay as in the token: the default mapping renames some (e.g. "tid"), which would break
        // Auth:TenantClaim.
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters.NameClaimType = "sub";
        jwt.TokenValidationParameters.RoleClaimType = "role";
        jwt.EventsType = typeof(DispatcherJwtBearerEvents);

        // The binding validates the issuer only when ValidIssuer(s) is set; with an authority, the issuer of its
        // discovery document is the one to check.
        if (!string.IsNullOrEmpty(jwt.Authority) || !string.IsNullOrEmpty(jwt.MetadataAddress))
        {
            jwt.TokenValidationParameters.ValidateIssuer = true;
        }

        if (environment.IsDevelopment() && configuration[$"{BearerSection}:RequireHttpsMetadata"] is null)
        {
            jwt.RequireHttpsMetadata = false;
        }
    }

    private static IServiceCollection AddTenantPolicy(this IServiceCollection services)
    {
        var tenantPolicy = new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .AddRequirements(new TenantClaim.Requirement())
            .Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(DispatcherPolicies.Tenant, tenantPolicy)
            .AddPolicy(DispatcherPolicies.Admin, policy => policy
                .RequireAuthenticatedUser()
                .RequireClaim(DispatcherClaimTypes.Permission, DispatcherPolicies.AdminPermissions))
            .SetDefaultPolicy(tenantPolicy);
        services.AddSingleton<IAuthorizationHandler, TenantClaim.RequirementHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return services;
    }
}
