using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Auth.Introspection;

/// <summary>
/// Authenticates a bearer token by asking the OIH IAM (<c>Auth:Mode = Introspection</c>), optionally caching
/// accepted tokens for <c>Auth:Introspection:CacheTtlSeconds</c>.
/// </summary>
internal sealed partial class IntrospectionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IamIntrospectionClient client,
    IMemoryCache cache,
    IOptionsMonitor<DispatcherAuthOptions> authOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string TokenNotFound = "Token not found in IAM.";
    public const string TokenInvalid = "Token invalid.";
    public const string IamUnavailable = "The token could not be verified: the IAM is unavailable.";

    private const string CacheKeyPrefix = "dispatcher:iam-introspection:";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Request.GetBearerToken();
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var settings = authOptions.CurrentValue;
        var cacheTtl = TimeSpan.FromSeconds(settings.Introspection.CacheTtlSeconds);
        var cacheKey = CacheKey(token);
        if (cacheTtl > TimeSpan.Zero && cache.TryGetValue(cacheKey, out IReadOnlyList<Claim>? cached) && cached is not null)
        {
            return Success(cached, settings.TenantClaim);
        }

        var result = await client.IntrospectAsync(token, Context.RequestAborted);
        if (result.Status != IntrospectionStatus.Active)
        {
            return Failure(result);
        }

        var claims = IamAccountClaims.From(result.Account, settings.TenantClaim);
        if (cacheTtl > TimeSpan.Zero)
        {
            cache.Set(cacheKey, claims, new MemoryCacheEntryOptions
            {
                AbsoluteExpirationRelativeToNow = cacheTtl,
                Size = 1, // needed only if the app gives the memory cache a SizeLimit
            });
        }

        return Success(claims, settings.TenantClaim);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        // Only this handler's own failure messages are shown; anything else is an unexpected exception.
        var failure = result.Failure switch
        {
            null => null,
            AuthenticationFailureException own => own.Message,
            _ => TokenInvalid,
        };
        await BearerChallenge.WriteAsync(Context, failure);
    }

    // The cache never holds the raw token, only its SHA-256.
    private static string CacheKey(string token) =>
        CacheKeyPrefix + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private AuthenticateResult Success(IReadOnlyList<Claim> claims, string tenantClaim)
    {
        var identity = new ClaimsIdentity(claims, Scheme.Name, IamAccountClaims.Subject, ClaimTypes.Role);
        TenantClaim.Stamp(identity, tenantClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private AuthenticateResult Failure(IntrospectionResult result)
    {
        switch (result.Status)
        {
            case IntrospectionStatus.NotFound:
                return AuthenticateResult.Fail(TokenNotFound);
            case IntrospectionStatus.Refused:
                LogIamRefused(Logger, result.Problem);
                return AuthenticateResult.Fail(TokenInvalid);
            default:
                LogIamUnavailable(Logger, result.Problem);
                return AuthenticateResult.Fail(IamUnavailable);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "IAM refused token introspection ({Problem}); check Auth:Introspection:ServiceToken and its iam.token.introspect permission")]
    private static partial void LogIamRefused(ILogger logger, string? problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IAM token introspection failed: {Problem}")]
    private static partial void LogIamUnavailable(ILogger logger, string? problem);
}
