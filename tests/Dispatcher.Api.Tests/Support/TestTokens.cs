using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dispatcher.Api.Tests.Support;

/// <summary>
/// Mints JWTs the API accepts once <see cref="JwtSettings"/> is in its configuration — the same keys
/// <c>dotnet user-jwts</c> writes (signing key in user secrets, issuer and audience in appsettings.Development.json),
/// with test values.
/// </summary>
public static class TestTokens
{
    /// <summary>The <c>iss</c> of test tokens.</summary>
    public const string Issuer = "dispatcher-tests";

    /// <summary>The <c>aud</c> of test tokens.</summary>
    public const string Audience = "dispatcher-api-tests";

    /// <summary>The HS256 signing key (32 bytes, base64), as <c>SigningKeys:0:Value</c>.</summary>
    public const string SigningKey = "ZGlzcGF0Y2hlci10ZXN0cy1zaWduaW5nLWtleS0zMmI=";

    /// <summary>The signing key id, as <c>SigningKeys:0:Id</c>.</summary>
    public const string SigningKeyId = "dispatcher-tests";

    private const string BearerSection = "Authentication:Schemes:Bearer";

    // Another key of the same length: tokens signed with it must be refused.
    private static readonly byte[] UnknownKey = SHA256.HashData("not-the-dispatcher-test-key"u8);

    /// <summary>Configuration that makes the host accept tokens from <see cref="Create"/> (in JWT mode).</summary>
    public static IReadOnlyDictionary<string, string?> JwtSettings { get; } = new Dictionary<string, string?>
    {
        ["Auth:Mode"] = "Jwt",
        [$"{BearerSection}:ValidIssuer"] = Issuer,
        [$"{BearerSection}:ValidAudiences:0"] = Audience,
        [$"{BearerSection}:SigningKeys:0:Id"] = SigningKeyId,
        [$"{BearerSection}:SigningKeys:0:Issuer"] = Issuer,
        [$"{BearerSection}:SigningKeys:0:Value"] = SigningKey,
        [$"{BearerSection}:SigningKeys:0:Length"] = "32",
    };

    /// <summary>
    /// A signed token for <paramref name="subject"/> with a <c>tenant</c> claim (none when <paramref name="tenant"/> is
    /// null), valid for <paramref name="lifetime"/> (default one hour; negative gives an expired token).
    /// <paramref name="extraClaims"/> are added last and win over the defaults.
    /// </summary>
    public static string Create(
        string? tenant,
        TimeSpan? lifetime = null,
        IDictionary<string, object>? extraClaims = null,
        string? subject = "user-1") =>
        Mint(Convert.FromBase64String(SigningKey), tenant, lifetime, extraClaims, subject);

    /// <summary>Like <see cref="Create"/>, but signed with a key the host does not know.</summary>
    public static string CreateWithUnknownKey(string? tenant) => Mint(UnknownKey, tenant, null, null, "user-1");

    /// <summary>An <c>Authorization: Bearer</c> header value for <paramref name="token"/>.</summary>
    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    private static string Mint(
        byte[] key, string? tenant, TimeSpan? lifetime, IDictionary<string, object>? extraClaims, string? subject)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        // A token must not expire before it becomes valid, so expired ones are backdated.
        var notBefore = expires > now ? now : expires - TimeSpan.FromHours(1);

        var claims = new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString("N") };
        if (subject is not null)
        {
            claims["sub"] = subject;
        }

        if (tenant is not null)
        {
            claims["tenant"] = tenant;
        }

        foreach (var (type, value) in extraClaims ?? new Dictionary<string, object>())
        {
            claims[type] = value;
        }

        // The descriptor's issuer and audience would win over claims of the same name.
        var issuer = claims.Remove("iss", out var iss) ? (string)iss : Issuer;
        var audience = claims.Remove("aud", out var aud) ? (string)aud : Audience;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
