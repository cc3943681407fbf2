using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>Writes without flow work (tests, tools).</summary>
public static class ConfigurationRepositoryExtensions
{
    /// <summary>Stores a new configuration that implies no flow work.</summary>
    public static Task AddAsync(this IConfigurationRepository repository, Configuration configuration, CancellationToken cancellationToken) =>
        repository.AddAsync(configuration, [], cancellationToken);

    /// <summary>Stores a change that implies no flow work.</summary>
    public static Task UpdateAsync(this IConfigurationRepository repository, Configuration configuration, CancellationToken cancellationToken) =>
        repository.UpdateAsync(configuration, [], cancellationToken);

    /// <summary>Deletes a configuration without flow work.</summary>
    public static Task DeleteAsync(this IConfigurationRepository repository, Configuration configuration, CancellationToken cancellationToken) =>
        repository.DeleteAsync(configuration, [], cancellationToken);
}
