using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Auth;

/// <summary>
/// Checks the <c>Auth</c> section, and in JWT mode the bearer scheme, at start-up; every message names the setting
/// at fault.
/// </summary>
internal sealed class DispatcherAuthOptionsValidator(IOptionsMonitor<JwtBearerOptions> jwtOptions)
    : IValidateOptions<DispatcherAuthOptions>
{
    private const string Prefix = DispatcherAuthOptions.SectionName + ":";
    private const string IntrospectionPrefix = Prefix + "Introspection:";
    private const string BearerPrefix = AuthenticationExtensions.BearerSection + ":";

    public ValidateOptionsResult Validate(string? name, DispatcherAuthOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TenantClaim))
        {
            failures.Add($"{Prefix}TenantClaim must not be empty.");
        }

        failures.AddRange(options.Mode == AuthMode.Introspection
            ? ValidateIntrospection(options.Introspection)
            : ValidateJwt(jwtOptions.Get(DispatcherAuthenticationSchemes.Jwt)));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> ValidateIntrospection(IntrospectionOptions introspection)
    {
        var required = $"is required when {Prefix}Mode is {AuthMode.Introspection}.";
        if (introspection.Endpoint is null)
        {
            yield return $"{IntrospectionPrefix}Endpoint {required}";
        }
        else if (!introspection.Endpoint.IsAbsoluteUri
                 || (introspection.Endpoint.Scheme != Uri.UriSchemeHttp && introspection.Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"{IntrospectionPrefix}Endpoint must be an absolute http(s) URL.";
        }

        if (string.IsNullOrWhiteSpace(introspection.ServiceToken))
        {
            yield return $"{IntrospectionPrefix}ServiceToken {required}";
        }

        if (introspection.TimeoutSeconds <= 0)
        {
            yield return $"{IntrospectionPrefix}TimeoutSeconds must be positive.";
        }

        if (introspection.CacheTtlSeconds < 0)
        {
            yield return $"{IntrospectionPrefix}CacheTtlSeconds must be 0 (off) or positive.";
        }
    }

    private static IEnumerable<string> ValidateJwt(JwtBearerOptions jwt)
    {
        var usesAuthority = !string.IsNullOrEmpty(jwt.Authority) || !string.IsNullOrEmpty(jwt.MetadataAddress);
        var parameters = jwt.TokenValidationParameters;
        var hasAudience = !string.IsNullOrEmpty(parameters.ValidAudience)
                          || parameters.ValidAudiences?.Any(audience => !string.IsNullOrEmpty(audience)) == true;
        if (usesAuthority && !hasAudience)
        {
            // An authority signs tokens for its other clients too; without an audience they would all be accepted.
            yield return $"{BearerPrefix}ValidAudiences is required when {BearerPrefix}Authority is set.";
        }
    }
}
