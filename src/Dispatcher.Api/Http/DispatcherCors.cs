using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Dispatcher.Api.Http;

/// <summary>Settings of cross-origin requests (section <c>Cors</c>), for browser clients such as the platform's web UI.</summary>
public sealed class CorsSettings
{
    public const string Section = "Cors";

    /// <summary>
    /// Origins allowed to call the API from a browser (<c>https://ui.example.com</c>); <c>*</c> allows every origin and
    /// reflects it (the original service's behaviour). Empty (the default): no CORS at all. Empty entries are ignored,
    /// so <c>Cors__AllowedOrigins__0=</c> switches off the default an Open Integration Hub deployment gets.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Whether browsers may send credentials (cookies, <c>Authorization</c>) cross-origin.</summary>
    public bool AllowCredentials { get; set; }

    /// <summary>How long a browser may cache a preflight answer.</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The configured origins without empty entries.</summary>
    public IReadOnlyList<string> Origins => AllowedOrigins.Where(o => !string.IsNullOrWhiteSpace(o)).Select(o => o.Trim().TrimEnd('/')).ToList();

    public bool Enabled => Origins.Count > 0;

    public bool AnyOrigin => Origins.Contains("*");
}

/// <summary>
/// CORS for the API (docs/configuration.md, section <c>Cors</c>): preflights are answered 204 with the allowed
/// origin, methods and headers; other origins get no <c>Access-Control-Allow-Origin</c>. Off unless origins are set.
/// </summary>
public static class DispatcherCors
{
    private const string PolicyName = "dispatcher";

    /// <summary>Registers the policy built from section <c>Cors</c>.</summary>
    public static IServiceCollection AddDispatcherCors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CorsSettings>().BindConfiguration(CorsSettings.Section)
            .Validate(s => s.Origins.All(o => o == "*" || Uri.TryCreate(o, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
                "Cors:AllowedOrigins must hold '*' or absolute http(s) origins such as https://ui.example.com.")
            .ValidateOnStart();
        var settings = configuration.GetSection(CorsSettings.Section).Get<CorsSettings>() ?? new CorsSettings();
        services.AddCors(options => options.AddPolicy(PolicyName, policy => Build(policy, settings)));
        return services;
    }

    /// <summary>Answers CORS requests when origins are configured; does nothing otherwise.</summary>
    public static IApplicationBuilder UseDispatcherCors(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<CorsSettings>>().Value;
        return settings.Enabled ? app.UseCors(PolicyName) : app;
    }

    private static void Build(CorsPolicyBuilder policy, CorsSettings settings)
    {
        var origins = settings.Origins;
        if (settings.AnyOrigin)
        {
            // Reflect the caller's origin (never "*"): browsers refuse "*" together with credentials.
            policy.SetIsOriginAllowed(_ => true);
        }
        else
        {
            policy.WithOrigins([.. origins]);
        }

        policy.AllowAnyMethod().AllowAnyHeader()
            .WithExposedHeaders("ETag", "Location")
            .SetPreflightMaxAge(settings.PreflightMaxAge);
        if (settings.AllowCredentials)
        {
            policy.AllowCredentials();
        }
    }
}
