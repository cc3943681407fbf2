using System.Net;
using Dispatcher.Api.Tests.Support;

namespace Dispatcher.Api.Tests.Auth;

public sealed class JwtAuthenticationTests
{
    private const string NoTenantMessage = "The token has no 'tenant' claim; configurations are tenant-scoped.";

    private AuthTestHost _host = null!;

    [SetUp]
    public async Task StartHost() => _host = await AuthTestHost.StartAsync(TestTokens.JwtSettings);

    [TearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [Test]
    public async Task A_valid_token_with_a_tenant_is_accepted_and_the_endpoint_sees_the_tenant()
    {
        var token = TestTokens.Create("acme");

        var caller = await _host.WhoAmIAsync(token);

        caller.Tenant.Should().Be("acme");
        caller.Subject.Should().Be("user-1");
        caller.Name.Should().Be("user-1");
        caller.BearerToken.Should().Be(token);
    }

    [Test]
    public async Task The_named_tenant_policy_accepts_a_token_with_a_tenant()
    {
        using var response = await _host.GetAsync("/tenant-policy", $"Bearer {TestTokens.Create("acme")}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task No_authorization_header_gives_a_401_problem_with_a_bearer_challenge()
    {
        using var response = await _host.GetAsync("/whoami", authorization: null);

        await response.ShouldBeUnauthorizedAsync("Missing bearer token.");
        response.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
    }

    [TestCase("Basic dXNlcjpwYXNz", "The Authorization header must use the Bearer scheme.")]
    [TestCase("Bearer", "Missing bearer token.")]
    [TestCase("Bearer not-a-jwt", "The token is malformed.")]
    [TestCase("Bearer a.b.c", "The token is malformed.")]
    public async Task A_wrong_scheme_or_a_garbage_token_gives_401(string authorization, string reason)
    {
        using var response = await _host.GetAsync("/whoami", authorization);

        await response.ShouldBeUnauthorizedAsync(reason);
    }

    [Test]
    public async Task An_expired_token_gives_401_saying_it_is_expired()
    {
        var token = TestTokens.Create("acme", lifetime: TimeSpan.FromMinutes(-10));

        using var response = await _host.GetAsync("/whoami", $"Bearer {token}");

        await response.ShouldBeUnauthorizedAsync("The token is expired.");
        response.Headers.WwwAuthenticate.ToString().Should().Contain("error=\"invalid_token\"");
    }

    [Test]
    public async Task A_token_signed_with_an_unknown_key_gives_401_saying_the_signature_is_invalid()
    {
        using var response = await _host.GetAsync("/whoami", $"Bearer {TestTokens.CreateWithUnknownKey("acme")}");

        await response.ShouldBeUnauthorizedAsync("The token signature is invalid.");
    }

    [Test]
    public async Task A_token_with_a_tampered_payload_gives_401()
    {
        var parts = TestTokens.Create("acme").Split('.');
        var other = TestTokens.Create("other-tenant").Split('.');
        var tampered = $"{parts[0]}.{other[1]}.{parts[2]}";

        using var response = await _host.GetAsync("/whoami", $"Bearer {tampered}");

        await response.ShouldBeUnauthorizedAsync("The token signature is invalid.");
    }

    [TestCase("aud", "someone-else", "The token audience is not accepted.")]
    [TestCase("iss", "someone-else", "The token issuer is not accepted.")]
    public async Task A_token_for_another_audience_or_from_another_issuer_gives_401(string claim, string value, string reason)
    {
        var token = TestTokens.Create("acme", extraClaims: new Dictionary<string, object> { [claim] = value });

        using var response = await _host.GetAsync("/whoami", $"Bearer {token}");

        await response.ShouldBeUnauthorizedAsync(reason);
    }

    [Test]
    public async Task A_valid_token_without_a_tenant_gives_a_403_problem()
    {
        using var response = await _host.GetAsync("/whoami", $"Bearer {TestTokens.Create(null)}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, NoTenantMessage);
    }

    [TestCase("   ")]
    [TestCase(" tenant-a")]
    [TestCase("tenant-a\t")]
    public async Task A_tenant_with_surrounding_whitespace_gives_a_403_problem_not_a_trimmed_tenant(string tenant)
    {
        using var response = await _host.GetAsync("/whoami", $"Bearer {TestTokens.Create(tenant)}");

        await response.ShouldBeProblemAsync(
            HttpStatusCode.Forbidden, "The token's 'tenant' claim has surrounding whitespace; tenants are used exactly as issued.");
    }

    [Test]
    public async Task A_token_cannot_set_the_internal_tenant_claim_itself()
    {
        var token = TestTokens.Create(tenant: null, extraClaims: new Dictionary<string, object>
        {
            [Dispatcher.Api.Auth.DispatcherClaimTypes.Tenant] = "someone-elses-tenant",
        });

        using var response = await _host.GetAsync("/whoami", $"Bearer {token}");

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, NoTenantMessage);
    }

    [Test]
    public async Task Endpoints_without_authorization_metadata_stay_open()
    {
        using var response = await _host.GetAsync("/open", authorization: null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task A_custom_tenant_claim_name_is_used()
    {
        var settings = new Dictionary<string, string?>(TestTokens.JwtSettings) { ["Auth:TenantClaim"] = "org" };
        await using var host = await AuthTestHost.StartAsync(settings);
        var withOrg = TestTokens.Create(tenant: null, extraClaims: new Dictionary<string, object> { ["org"] = "org-42" });

        var caller = await host.WhoAmIAsync(withOrg);
        using var onlyTenant = await host.GetAsync("/whoami", $"Bearer {TestTokens.Create("acme")}");

        caller.Tenant.Should().Be("org-42");
        await onlyTenant.ShouldBeProblemAsync(
            HttpStatusCode.Forbidden, "The token has no 'org' claim; configurations are tenant-scoped.");
    }

    [Test]
    public async Task A_claim_name_the_default_mapping_would_rename_still_works_as_tenant_claim()
    {
        var settings = new Dictionary<string, string?>(TestTokens.JwtSettings) { ["Auth:TenantClaim"] = "tid" };
        await using var host = await AuthTestHost.StartAsync(settings);

        var caller = await host.WhoAmIAsync(
            TestTokens.Create(tenant: null, extraClaims: new Dictionary<string, object> { ["tid"] = "t-1" }));

        caller.Tenant.Should().Be("t-1");
    }
}
