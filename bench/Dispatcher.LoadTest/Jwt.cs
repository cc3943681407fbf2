using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Dispatcher.LoadTest;

/// <summary>
/// HS256 tokens for the dispatcher started by the load tool, and the settings that make it accept them (the same
/// keys <c>dotnet user-jwts</c> and the API tests use, with the load tool's own values).
/// </summary>
public static class Jwt
{
    public const string Issuer = "dispatcher-bench";
    public const string Audience = "dispatcher-bench-api";
    public const string KeyId = "dispatcher-bench";

    // 32 bytes, fixed: the dispatcher only ever runs on loopback for a benchmark.
    private static readonly byte[] Key = SHA256.HashData("dispatcher-load-test-signing-key"u8);

    /// <summary>Settings (as environment variables) for JWT mode with this key.</summary>
    public static Dictionary<string, string> Settings() => new()
    {
        ["Auth__Mode"] = "Jwt",
        ["Authentication__Schemes__Bearer__ValidIssuer"] = Issuer,
        ["Authentication__Schemes__Bearer__ValidAudiences__0"] = Audience,
        ["Authentication__Schemes__Bearer__SigningKeys__0__Id"] = KeyId,
        ["Authentication__Schemes__Bearer__SigningKeys__0__Issuer"] = Issuer,
        ["Authentication__Schemes__Bearer__SigningKeys__0__Value"] = Convert.ToBase64String(Key),
        ["Authentication__Schemes__Bearer__SigningKeys__0__Length"] = "32",
    };

    /// <summary>A token for <paramref name="tenant"/>, valid for two hours.</summary>
    public static string Create(string tenant)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["alg"] = "HS256", ["kid"] = KeyId, ["typ"] = "JWT" });
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = "load-test", ["tenant"] = tenant,
            ["iat"] = now, ["nbf"] = now - 60, ["exp"] = now + 7200, ["jti"] = Guid.NewGuid().ToString("N"),
        });
        var unsigned = $"{Base64Url(header)}.{Base64Url(payload)}";
        var signature = HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
