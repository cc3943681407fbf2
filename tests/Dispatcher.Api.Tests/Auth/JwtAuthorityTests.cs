using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Tests.Auth;

public sealed class JwtAuthorityTests
{
    private const string Bearer = "Authentication:Schemes:Bearer";

    [Test]
    public async Task A_token_signed_by_the_authority_is_accepted_through_its_JWKS()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        await using var host = await AuthTestHost.StartAsync(Settings(provider));

        var caller = await host.WhoAmIAsync(provider.CreateToken("acme"));

        caller.Tenant.Should().Be("acme");
        caller.Subject.Should().Be("oidc-user");
    }

    [Test]
    public async Task With_an_authority_the_issuer_is_checked_against_its_discovery_document()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        await using var host = await AuthTestHost.StartAsync(Settings(provider));

        using var response = await host.GetAsync(
            "/whoami", $"Bearer {provider.CreateToken("acme", issuer: "https://impostor.example.com")}");

        await response.ShouldBeUnauthorizedAsync("The token issuer is not accepted.");
    }

    [Test]
    public async Task Start_up_fails_when_an_authority_is_set_without_audiences()
    {
        await using var provider = await FakeOidcProvider.StartAsync();
        var settings = Settings(provider);
        settings.Remove($"{Bearer}:ValidAudiences:0");
        await using var app = AuthTestHost.Build(settings);

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>())
            .Which.Message.Should().Contain($"{Bearer}:ValidAudiences is required when {Bearer}:Authority is set");
    }

    private static Dictionary<string, string?> Settings(FakeOidcProvider provider) => new()
    {
        [$"{Bearer}:Authority"] = provider.Issuer,
        [$"{Bearer}:ValidAudiences:0"] = FakeOidcProvider.Audience,
        [$"{Bearer}:RequireHttpsMetadata"] = "false",
    };
}
