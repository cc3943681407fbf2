using System.Collections;
using System.Text.Json;
using Dispatcher.Api.Telemetry;
using Dispatcher.Application.Common.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dispatcher.Api.Health;

/// <summary>
/// The probes (open, no token; see docs/operations.md):
/// <list type="bullet">
/// <item><c>GET /health/live</c>: 200 while the process serves requests; runs no check.</item>
/// <item><c>GET /health/ready</c>: every check tagged <c>ready</c> — the store, the event path (<c>broker</c>: the
/// endpoint consuming the platform's events, on the broker's live connection or the in-memory bus), the Flow Repository
/// when configured — 200 when none is unhealthy, else 503; each component's status in the body. Degraded components
/// (<c>contracts</c>: the <c>RecordChanged</c> endpoint reconnecting; <c>dispatchQueues</c>: per-flow queues nobody
/// reads) are reported and leave readiness at 200.</item>
/// <item><c>GET /healthcheck</c>: the original service's body
/// <c>{"status":"pass|fail","version","details":{"mongoDB":{"status"},"queue":{"status"}}}</c>, 200 or 500, where
/// <c>mongoDB</c> is the store (whichever it is) and <c>queue</c> the bus.</item>
/// </list>
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/health/live";

    public const string ReadyPath = "/health/ready";

    /// <summary>The original service's path.</summary>
    public const string LegacyPath = "/healthcheck";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>Maps the three probes.</summary>
    public static IEndpointRouteBuilder MapDispatcherHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = WriteComponentsAsync,
        }).ExcludeFromDescription();

        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(HealthChecks.ReadyTag),
            // The checks that must fail readiness report Unhealthy; Degraded ones are for the operator's attention.
            ResultStatusCodes = new Dictionary<HealthStatus, int>
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteComponentsAsync,
        }).ExcludeFromDescription();

        endpoints.MapHealthChecks(LegacyPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Name is HealthChecks.Store or HealthChecks.Broker,
            ResultStatusCodes = FailUnlessHealthy(StatusCodes.Status500InternalServerError),
            ResponseWriter = WriteLegacyAsync,
        }).ExcludeFromDescription();
        return endpoints;
    }

    private static Dictionary<HealthStatus, int> FailUnlessHealthy(int failure) => new()
    {
        [HealthStatus.Healthy] = StatusCodes.Status200OK,
        [HealthStatus.Degraded] = failure,
        [HealthStatus.Unhealthy] = failure,
    };

    private static bool IsBus(IEnumerable<string> tags) => tags.Contains(HealthChecks.BusTag);

    private static string ComponentName(string name, HealthReportEntry entry) =>
        IsBus(entry.Tags) ? HealthChecks.Broker : name;

    private static Task WriteComponentsAsync(HttpContext context, HealthReport report)
    {
        var components = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, entry) in report.Entries)
        {
            var component = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["status"] = entry.Status.ToString(),
                ["description"] = entry.Description,
                ["durationMs"] = Math.Round(entry.Duration.TotalMilliseconds, 1),
            };
            if (IsBus(entry.Tags))
            {
                component["transport"] = entry.Data.GetValueOrDefault(HealthChecks.TransportData);
                if (Endpoints(entry) is { } endpoints)
                {
                    component["endpoints"] = endpoints;
                }
            }

            components[ComponentName(name, entry)] = component;
        }

        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["status"] = report.Status.ToString(),
            ["version"] = TelemetryExtensions.ServiceVersion,
            ["durationMs"] = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            ["components"] = components,
        };
        return WriteAsync(context, body);
    }

    private static Task WriteLegacyAsync(HttpContext context, HealthReport report)
    {
        static string PassOrFail(HealthStatus? status) => status is HealthStatus.Healthy ? "pass" : "fail";
        var store = report.Entries.TryGetValue(HealthChecks.Store, out var storeEntry) ? storeEntry.Status : (HealthStatus?)null;
        var bus = report.Entries.Values.Where(e => IsBus(e.Tags)).Select(e => (HealthStatus?)e.Status).DefaultIfEmpty(null).Min();
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["status"] = PassOrFail(store) == "pass" && PassOrFail(bus) == "pass" ? "pass" : "fail",
            ["version"] = TelemetryExtensions.ServiceVersion,
            ["details"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["mongoDB"] = new Dictionary<string, string> { ["status"] = PassOrFail(store) },
                ["queue"] = new Dictionary<string, string> { ["status"] = PassOrFail(bus) },
            },
        };
        return WriteAsync(context, body);
    }

    /// <summary>MassTransit's per-endpoint states ("queue: Healthy - Ready"), as text.</summary>
    private static Dictionary<string, string>? Endpoints(HealthReportEntry entry)
    {
        if (!entry.Data.TryGetValue("Endpoints", out var value) || value is not IDictionary dictionary)
        {
            return null;
        }

        var endpoints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry item in dictionary)
        {
            endpoints[item.Key.ToString() ?? string.Empty] = item.Value?.ToString() ?? string.Empty;
        }

        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, object body)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
