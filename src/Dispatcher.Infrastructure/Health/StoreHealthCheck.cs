using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dispatcher.Infrastructure.Health;

/// <summary>
/// The store answers: a tenant-scoped read through the repository port, so it covers whichever store is configured
/// (SQLite file or MongoDB server) and the schema the service needs, not just a connection.
/// </summary>
internal sealed class StoreHealthCheck(IConfigurationRepository repository) : IHealthCheck
{
    // No real tenant can be named like this: identity providers do not issue blank-padded ids.
    private static readonly TenantId ProbeTenant = TenantId.Parse("~dispatcher-health-probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await repository.ListAsync(ProbeTenant, cancellationToken);
            return HealthCheckResult.Healthy($"The store answers ({repository.GetType().Name.Replace("ConfigurationRepository", string.Empty, StringComparison.Ordinal)}).");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The store does not answer: {e.GetType().Name}.", e);
        }
    }
}
