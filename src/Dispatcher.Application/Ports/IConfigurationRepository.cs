using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>
/// Stores <see cref="Configuration"/> aggregates. Every tenant-facing read and write is filtered by tenant: a
/// configuration of another tenant behaves exactly like a missing one.
/// </summary>
public interface IConfigurationRepository
{
    /// <summary>The tenant's configuration with <paramref name="id"/>, or null.</summary>
    Task<Configuration?> GetAsync(TenantId tenant, ConfigurationId id, CancellationToken cancellationToken);

    /// <summary>The tenant's configurations, oldest first.</summary>
    Task<IReadOnlyList<Configuration>> ListAsync(TenantId tenant, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new configuration (its <see cref="Configuration.Version"/> must be 0) together with the flow
    /// <paramref name="work"/> it implies, atomically, and calls <see cref="Configuration.MarkPersisted"/>. Throws
    /// <see cref="Common.Errors.ConcurrencyConflictException"/> when the id exists already.
    /// </summary>
    Task AddAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored state when the stored version still equals <see cref="Configuration.Version"/>, together
    /// with the flow <paramref name="work"/> the change implies, atomically; then calls
    /// <see cref="Configuration.MarkPersisted"/>. The filter is the aggregate's own id and tenant, never anything a
    /// client sent. Throws <see cref="Common.Errors.ConcurrencyConflictException"/> when the version moved on or the
    /// configuration is gone.
    /// </summary>
    Task UpdateAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the configuration when the stored version still equals <see cref="Configuration.Version"/>, and stores
    /// the flow <paramref name="work"/> the deletion implies, atomically. Throws
    /// <see cref="Common.Errors.ConcurrencyConflictException"/> otherwise.
    /// </summary>
    Task DeleteAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken);

    /// <summary>
    /// The configuration (of any tenant) that has an outbound connection with <paramref name="flowId"/>, or null.
    /// Backed by an index.
    /// </summary>
    Task<Configuration?> FindBySourceFlowAsync(FlowId flowId, CancellationToken cancellationToken);

    /// <summary>Every configuration of every tenant, for loading the routing table at start-up.</summary>
    IAsyncEnumerable<Configuration> StreamAllAsync(CancellationToken cancellationToken);
}
