using System.Net.Http.Json;
using System.Security.Claims;
using Dispatcher.Api.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Api.Tests.Auth;

/// <summary>
/// A minimal in-memory host wired with <see cref="AuthenticationExtensions"/> and a few probe endpoints, so the auth
/// tests do not depend on what Program.cs maps.
/// </summary>
internal sealed class AuthTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AuthTestHost(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<AuthTestHost> StartAsync(
        IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var app = Build(settings, configureServices);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new AuthTestHost(app);
    }

    /// <summary>Builds (does not start) the host; start-up validation runs in <c>StartAsync</c>.</summary>
    public static WebApplication Build(
        IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        // "Testing" keeps developer user secrets (Development only) out of the tests.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddDispatcherAuthentication(builder.Configuration, builder.Environment);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseDispatcherAuthentication();
        app.MapGet("/whoami", [Authorize] (HttpContext context) => Caller.Of(context));
        app.MapGet("/tenant-policy", (HttpContext context) => Caller.Of(context))
            .RequireAuthorization(DispatcherPolicies.Tenant);
        app.MapGet("/open", () => "open");
        return app;
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await Client.SendAsync(request);
    }

    public async Task<Caller> WhoAmIAsync(string token)
    {
        using var response = await GetAsync("/whoami", $"Bearer {token}");
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Caller>())!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>What the probe endpoints see of the caller.</summary>
    internal sealed record Caller(string? Tenant, string? Subject, string? Name, string? BearerToken, string[] Permissions)
    {
        public static Caller Of(HttpContext context) => new(
            context.User.GetTenant()?.Value,
            context.User.FindFirstValue("sub"),
            context.User.Identity?.Name,
            context.Request.GetBearerToken(),
            [.. context.User.FindAll(DispatcherClaimTypes.Permission).Select(claim => claim.Value)]);
    }
}
