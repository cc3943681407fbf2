using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Tests.Auth;

public sealed class IntrospectionAuthenticationTests
{
    private FakeIam _iam = null!;

    [SetUp]
    public async Task StartIam() => _iam = await FakeIam.StartAsync();

    [TearDown]
    public async Task StopIam() => await _iam.DisposeAsync();

    [Test]
    public async Task A_token_the_IAM_knows_is_accepted_with_the_account_tenant_and_permissions()
    {
        await using var host = await AuthTestHost.StartAsync(Settings(_iam.Endpoint));

        var caller = await host.WhoAmIAsync(FakeIam.UserToken);

        caller.Tenant.Should().Be(FakeIam.TenantId);
        caller.Subject.Should().Be(FakeIam.AccountId, "sub falls back to the account's _id");
        caller.Permissions.Should().Equal("flows.read", "flows.write");
        caller.BearerToken.Should().Be(FakeIam.UserToken);
    }

    [Test]
    public async Task The_IAM_is_called_like_iam_utils_does_it()
    {
        await using var host = await AuthTestHost.StartAsync(Settings(_iam.Endpoint));

        await host.WhoAmIAsync(FakeIam.UserToken);

        var request = _iam.Requests.Should().ContainSingle().Subject;
        request.Authorization.Should().Be($"Bearer {FakeIam.ServiceToken}");
        request.AuthType.Should().Be("basic");
        request.ContentType.Should().StartWith("application/json");
        request.Token.Should().Be(FakeIam.UserToken);
    }

    [Test]
    public async Task A_token_the_IAM_does_not_know_gives_401()
    {
        await using var host = await AuthTestHost.StartAsync(Settings(_iam.Endpoint));

        using var response = await host.GetAsync("/whoami", "Bearer some-unknown-token");

        await response.ShouldBeUnauthorizedAsync("Token not found in IAM.");
    }

    [Test]
    public async Task A_refused_service_token_gives_401_token_invalid()
    {
        var settings = Settings(_iam.Endpoint);
        settings["Auth:Introspection:ServiceToken"] = "wrong-service-token";
        await using var host = await AuthTestHost.StartAsync(settings);

        using var response = await host.GetAsync("/whoami", $"Bearer {FakeIam.UserToken}");

        await response.ShouldBeUnauthorizedAsync("Token invalid.");
    }

    [Test]
    public async Task A_missing_header_gives_401_without_calling_the_IAM()
    {
        await using var host = await AuthTestHost.StartAsync(Settings(_iam.Endpoint));

        using var response = await host.GetAsync("/whoami", authorization: null);

        await response.ShouldBeUnauthorizedAsync("Missing bearer token.");
        _iam.Calls.Should().Be(0);
    }

    [Test]
    public async Task An_account_without_a_tenant_gives_403()
    {
        await using var host = await AuthTestHost.StartAsync(Settings(_iam.Endpoint));

        using var response = await host.GetAsync("/whoami", $"Bearer {FakeIam.NoTenantToken}");

        await response.ShouldBeProblemAsync(
            HttpStatusCode.Forbidden, "The token has no 'tenant' claim; configurations are tenant-scoped.");
    }

    [Test]
    public async Task With_the_cache_on_a_second_request_makes_no_IAM_call()
    {
        var settings = Settings(_iam.Endpoint);
        settings["Auth:Introspection:CacheTtlSeconds"] = "60";
        await using var host = await AuthTestHost.StartAsync(settings);

        (await host.WhoAmIAsync(FakeIam.UserToken)).Tenant.Should().Be(FakeIam.TenantId);
        (await host.WhoAmIAsync(FakeIam.UserToken)).Tenant.Should().Be(FakeIam.TenantId);

        _iam.Calls.Should().Be(1);
    }

    [Test]
    public async Task The_cache_is_keyed_by_a_hash_not_by_the_raw_token()
    {
        var settings = Settings(_iam.Endpoint);
        settings["Auth:Introspection:CacheTtlSeconds"] = "60";
        await using var host = await AuthTestHost.StartAsync(settings);

        await host.WhoAmIAsync(FakeIam.UserToken);

        var cache = (MemoryCache)host.Services.GetRequiredService<IMemoryCache>();
        cache.Keys.Should().ContainSingle()
            .Which.Should().BeOfType<string>()
            .Which.Should().NotContain(FakeIam.UserToken);
    }

    [Test]
    public async Task With_the_cache_off_every_request_calls_the_IAM()
    {
        await using var host = await AuthTestHost.StartAsync(Settings(_iam.Endpoint));

        await host.WhoAmIAsync(FakeIam.UserToken);
        await host.WhoAmIAsync(FakeIam.UserToken);

        _iam.Calls.Should().Be(2);
    }

    [Test]
    public async Task Failed_introspections_are_not_cached()
    {
        var settings = Settings(_iam.Endpoint);
        settings["Auth:Introspection:CacheTtlSeconds"] = "60";
        await using var host = await AuthTestHost.StartAsync(settings);

        using var first = await host.GetAsync("/whoami", "Bearer some-unknown-token");
        using var second = await host.GetAsync("/whoami", "Bearer some-unknown-token");

        _iam.Calls.Should().Be(2);
    }

    [Test]
    public async Task An_unreachable_IAM_gives_401_not_500()
    {
        await using var host = await AuthTestHost.StartAsync(Settings(FakeIam.UnreachableEndpoint()));

        using var response = await host.GetAsync("/whoami", $"Bearer {FakeIam.UserToken}");

        await response.ShouldBeUnauthorizedAsync("The token could not be verified: the IAM is unavailable.");
    }

    [Test]
    public async Task An_IAM_answering_5xx_gives_401()
    {
        await using var host = await AuthTestHost.StartAsync(Settings(_iam.BrokenEndpoint));

        using var response = await host.GetAsync("/whoami", $"Bearer {FakeIam.UserToken}");

        await response.ShouldBeUnauthorizedAsync("The token could not be verified: the IAM is unavailable.");
        _iam.Calls.Should().Be(1);
    }

    [Test]
    public async Task An_IAM_slower_than_the_timeout_gives_401()
    {
        var settings = Settings(_iam.SlowEndpoint);
        settings["Auth:Introspection:TimeoutSeconds"] = "1";
        await using var host = await AuthTestHost.StartAsync(settings);

        using var response = await host.GetAsync("/whoami", $"Bearer {FakeIam.UserToken}");

        await response.ShouldBeUnauthorizedAsync("The token could not be verified: the IAM is unavailable.");
    }

    [TestCase("Auth:Introspection:Endpoint")]
    [TestCase("Auth:Introspection:ServiceToken")]
    public async Task Start_up_fails_naming_a_missing_introspection_setting(string setting)
    {
        var settings = Settings(_iam.Endpoint);
        settings.Remove(setting);
        await using var app = AuthTestHost.Build(settings);

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>())
            .Which.Message.Should().Contain($"{setting} is required when Auth:Mode is Introspection.");
    }

    [Test]
    public async Task Start_up_fails_on_a_relative_endpoint()
    {
        var settings = Settings(_iam.Endpoint);
        settings["Auth:Introspection:Endpoint"] = "/api/v1/tokens/introspect";
        await using var app = AuthTestHost.Build(settings);

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>())
            .Which.Message.Should().Contain("Auth:Introspection:Endpoint must be an absolute http(s) URL.");
    }

    private static Dictionary<string, string?> Settings(Uri endpoint) => new()
    {
        ["Auth:Mode"] = "Introspection",
        ["Auth:Introspection:Endpoint"] = endpoint.ToString(),
        ["Auth:Introspection:ServiceToken"] = FakeIam.ServiceToken,
    };
}
