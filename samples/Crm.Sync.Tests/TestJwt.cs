using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Crm.Sync.Tests;

/// <summary>
/// HS256 tokens for the dispatcher the integration test starts, and the dispatcher settings that make it accept them
/// (its JWT mode with one symmetric signing key; in production the CRM team gets its token from the identity provider).
/// </summary>
public static class TestJwt
{
    private const string Issuer = "crm-sync-tests";
    private const string Audience = "dispatcher-api";
    private const string KeyId = "crm-sync-tests";
    private static readonly byte[] Key = SHA256.HashData("crm-sync-sample-test-signing-key"u8);

    public static IReadOnlyDictionary<string, string> DispatcherSettings() => new Dictionary<string, string>
    {
        ["Auth__Mode"] = "Jwt",
        ["Authentication__Schemes__Bearer__ValidIssuer"] = Issuer,
        ["Authentication__Schemes__Bearer__ValidAudiences__0"] = Audience,
        ["Authentication__Schemes__Bearer__SigningKeys__0__Id"] = KeyId,
        ["Authentication__Schemes__Bearer__SigningKeys__0__Issuer"] = Issuer,
        ["Authentication__Schemes__Bearer__SigningKeys__0__Value"] = Convert.ToBase64String(Key),
        ["Authentication__Schemes__Bearer__SigningKeys__0__Length"] = "32",
    };

    public static string Create(string tenant)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["alg"] = "HS256", ["kid"] = KeyId, ["typ"] = "JWT" });
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = "crm-sync", ["tenant"] = tenant,
            ["iat"] = now, ["nbf"] = now - 60, ["exp"] = now + 3600, ["jti"] = Guid.NewGuid().ToString("N"),
        });
        var unsigned = $"{Base64Url(header)}.{Base64Url(payload)}";
        return $"{unsigned}.{Base64Url(HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(unsigned)))}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
