using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dispatcher.Api.Tests.Auth;

/// <summary>
/// An OpenID Connect provider reduced to its discovery document and JWKS (RS256), on a loopback port, for the
/// <c>Authentication:Schemes:Bearer:Authority</c> path.
/// </summary>
internal sealed class FakeOidcProvider : IAsyncDisposable
{
    public const string Audience = "dispatcher-service";

    private readonly WebApplication _app;
    private readonly RSA _rsa;
    private readonly RsaSecurityKey _key;

    private FakeOidcProvider(WebApplication app, RSA rsa)
    {
        _app = app;
        _rsa = rsa;
        _key = new RsaSecurityKey(rsa) { KeyId = "fake-oidc-key" };
    }

    /// <summary>The authority and issuer (no trailing slash).</summary>
    public string Issuer => _app.Urls.Single().TrimEnd('/');

    public static async Task<FakeOidcProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new FakeOidcProvider(app, RSA.Create(2048));
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider.Issuer,
            ["jwks_uri"] = $"{provider.Issuer}/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(provider._key);
            return Results.Json(new
            {
                keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } },
            });
        });
        await app.StartAsync();
        return provider;
    }

    /// <summary>A token signed by this provider; <paramref name="issuer"/> defaults to <see cref="Issuer"/>.</summary>
    public string CreateToken(string tenant, string? issuer = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = Audience,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = "oidc-user", ["tenant"] = tenant },
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
