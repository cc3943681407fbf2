using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Configurations.Shared;

/// <summary>Loading helpers shared by the handlers: the one "tenant's configuration or 404".</summary>
internal static class ConfigurationLoading
{
    /// <summary>The tenant's configuration; <see cref="NotFoundException"/> when missing or another tenant's.</summary>
    public static async Task<Configuration> RequireAsync(
        this IConfigurationRepository repository, TenantId tenant, string id, CancellationToken cancellationToken) =>
        // An id that cannot exist answers like a missing one: no hint whether it exists for another tenant.
        (ConfigurationId.TryParse(id, out var configurationId)
            ? await repository.GetAsync(tenant, configurationId, cancellationToken)
            : null)
        ?? throw new NotFoundException($"Configuration '{id}' was not found.");

    /// <summary>
    /// The caller's configuration (<see cref="RequireAsync"/>) at the version the caller expects;
    /// <see cref="PreconditionFailedException"/> when it moved on.
    /// </summary>
    public static async Task<Configuration> LoadAsync(
        this IConfigurationRepository repository, Caller caller, string id, CancellationToken cancellationToken)
    {
        var configuration = await repository.RequireAsync(caller.Tenant, id, cancellationToken);
        if (caller.ExpectedVersion is { } expected && expected != configuration.Version)
        {
            throw new PreconditionFailedException(
                $"Configuration '{id}' is at version {configuration.Version}, not {expected} (If-Match).");
        }

        return configuration;
    }

    /// <summary>The app of the configuration; <see cref="NotFoundException"/> when missing.</summary>
    public static App RequireApp(this Configuration configuration, string appId) =>
        (AppId.TryParse(appId, out var id) ? configuration.FindApp(id) : null)
        ?? throw new NotFoundException($"App '{appId}' was not found in configuration '{configuration.Id}'.");
}
