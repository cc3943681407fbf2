using Dispatcher.Application.Common.Health;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dispatcher.Infrastructure.Health;

/// <summary>
/// The state of one of the bus's receive endpoints, from MassTransit's live view (<see cref="IBusControl.CheckHealth"/>):
/// healthy while the endpoint is connected and consuming, else <paramref name="failureStatus"/>. Registered twice:
/// the event-bus endpoint (<see cref="HealthChecks.Broker"/>, whose failure makes the service unready: events are not
/// consumed) and the <c>RecordChanged</c> contract endpoint (<see cref="HealthChecks.Contracts"/>, reported separately
/// and only degraded: the platform's events do not depend on it). MassTransit's own bus check fails readiness while
/// any endpoint reconnects; this one waits only for the endpoint it names.
/// </summary>
internal sealed class BusEndpointHealthCheck(IBusControl bus, string queue, HealthStatus failureStatus, bool listEndpoints) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = bus.CheckHealth();
        var endpoints = health.Endpoints ?? new Dictionary<string, EndpointHealthResult>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [HealthChecks.TransportData] = bus.Address.Scheme.StartsWith("rabbitmq", StringComparison.Ordinal) ? "rabbitmq" : "in-memory",
        };
        if (listEndpoints)
        {
            data["Endpoints"] = endpoints.ToDictionary(e => e.Key, e => $"{e.Value.Status} - {e.Value.Description}");
        }

        var match = endpoints.Where(e => Names(e.Key, e.Value).Contains(queue)).Select(e => (EndpointHealthResult?)e.Value).FirstOrDefault();
        if (match is not { } endpoint)
        {
            return Task.FromResult(new HealthCheckResult(failureStatus, $"The endpoint {queue} is not running ({health.Description}).", data: data));
        }

        return Task.FromResult(endpoint.Status == BusHealthStatus.Healthy
            ? HealthCheckResult.Healthy($"The endpoint {queue} is consuming.", data)
            : new HealthCheckResult(failureStatus, $"The endpoint {queue} is not consuming: {endpoint.Description}", endpoint.Exception, data));
    }

    /// <summary>The names an endpoint goes by: its key and the last segment of its input address.</summary>
    private static IEnumerable<string> Names(string key, EndpointHealthResult endpoint)
    {
        yield return key;
        if (endpoint.ReceiveEndpoint?.InputAddress is { } address)
        {
            yield return address.AbsolutePath.TrimEnd('/').Split('/')[^1];
        }

        if (Uri.TryCreate(key, UriKind.Absolute, out var uri))
        {
            yield return uri.AbsolutePath.TrimEnd('/').Split('/')[^1];
        }
    }
}
