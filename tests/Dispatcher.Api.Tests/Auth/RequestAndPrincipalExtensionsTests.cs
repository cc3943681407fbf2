using System.Security.Claims;
using Dispatcher.Api.Auth;
using Microsoft.AspNetCore.Http;

namespace Dispatcher.Api.Tests.Auth;

public sealed class RequestAndPrincipalExtensionsTests
{
    [TestCase("Bearer abc", "abc")]
    [TestCase("bearer  abc ", "abc")]
    [TestCase("Bearer", null)]
    [TestCase("Bearer   ", null)]
    [TestCase("Basic abc", null)]
    [TestCase("", null)]
    public void GetBearerToken_reads_only_a_bearer_header(string header, string? expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = header;

        context.Request.GetBearerToken().Should().Be(expected);
    }

    [Test]
    public void GetBearerToken_is_null_without_a_header() =>
        new DefaultHttpContext().Request.GetBearerToken().Should().BeNull();

    [Test]
    public void GetTenant_reads_the_stamped_tenant_claim() =>
        Principal(new Claim(DispatcherClaimTypes.Tenant, "acme")).GetTenant()!.Value.Value.Should().Be("acme");

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void GetTenant_is_null_when_the_claim_is_missing_or_blank(string? value)
    {
        var principal = value is null ? Principal() : Principal(new Claim(DispatcherClaimTypes.Tenant, value));

        principal.GetTenant().Should().BeNull();
    }

    [Test]
    public void GetTenant_ignores_the_raw_token_claim_until_authentication_stamps_it() =>
        Principal(new Claim("tenant", "acme")).GetTenant().Should().BeNull();

    private static ClaimsPrincipal Principal(params Claim[] claims) => new(new ClaimsIdentity(claims, "test"));
}
