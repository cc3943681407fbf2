using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dispatcher.Api.Tests.Auth;

/// <summary>
/// An OIH IAM stand-in on a real loopback port: <c>POST /api/v1/tokens/introspect</c> answers like the IAM
/// (lib/iam-utils "basic" mode), and counts the calls.
/// </summary>
internal sealed class FakeIam : IAsyncDisposable
{
    public const string ServiceToken = "iam-service-token";
    public const string UserToken = "opaque-user-token-with-tenant";
    public const string NoTenantToken = "opaque-admin-token-without-tenant";
    public const string AccountId = "5e9f0c1d2b3a4f5e6d7c8b9a";
    public const string TenantId = "5e8a1b2c3d4e5f6a7b8c9d0e";

    private readonly WebApplication _app;
    private int _calls;

    private FakeIam(WebApplication app) => _app = app;

    /// <summary>Introspection calls received, whatever their answer.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The requests received, in order.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public Uri BaseAddress => new(_app.Urls.Single());

    public Uri Endpoint => new(BaseAddress, "/api/v1/tokens/introspect");

    /// <summary>Always answers 503.</summary>
    public Uri BrokenEndpoint => new(BaseAddress, "/broken");

    /// <summary>Answers after 10 s.</summary>
    public Uri SlowEndpoint => new(BaseAddress, "/slow");

    public static async Task<FakeIam> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var iam = new FakeIam(app);
        app.MapPost("/api/v1/tokens/introspect", (Delegate)iam.IntrospectAsync);
        app.MapPost("/broken", () =>
        {
            Interlocked.Increment(ref iam._calls);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        });
        app.MapPost("/slow", async (HttpContext context) =>
        {
            Interlocked.Increment(ref iam._calls);
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            return Results.Ok();
        });
        await app.StartAsync();
        return iam;
    }

    /// <summary>A loopback URL nothing listens on.</summary>
    public static Uri UnreachableEndpoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/api/v1/tokens/introspect");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<IResult> IntrospectAsync(HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var token = body.RootElement.TryGetProperty("token", out var value) ? value.GetString() : null;
        Requests.Enqueue(new ReceivedRequest(
            context.Request.Headers.Authorization.ToString(),
            context.Request.Headers["x-auth-type"].ToString(),
            context.Request.ContentType,
            token));

        if (context.Request.Headers.Authorization != $"Bearer {ServiceToken}")
        {
            return Results.Json(new { message = "Unauthorized" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (context.Request.Headers["x-auth-type"] != "basic")
        {
            return Results.BadRequest();
        }

        return token switch
        {
            UserToken => Results.Json(Account(TenantId, ["flows.read", "flows.write"])),
            NoTenantToken => Results.Json(Account(tenant: null, ["all"])),
            _ => Results.Json(new { message = "Token not found" }, statusCode: StatusCodes.Status404NotFound),
        };
    }

    // The shape of a lean IAM account (oih-facts §6), roles left out.
    private static Dictionary<string, object?> Account(string? tenant, string[] permissions)
    {
        var account = new Dictionary<string, object?>
        {
            ["_id"] = AccountId,
            ["username"] = "user@example.com",
            ["firstname"] = "Test",
            ["lastname"] = "User",
            ["status"] = "ACTIVE",
            ["confirmed"] = true,
            ["permissions"] = permissions,
            ["isAdmin"] = permissions.Contains("all"),
            ["__v"] = 0,
        };
        if (tenant is not null)
        {
            account["tenant"] = tenant;
        }

        return account;
    }

    internal sealed record ReceivedRequest(string Authorization, string AuthType, string? ContentType, string? Token);
}
