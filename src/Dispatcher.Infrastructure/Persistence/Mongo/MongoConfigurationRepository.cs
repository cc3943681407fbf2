using System.Runtime.CompilerServices;
using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Documents;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// <see cref="IConfigurationRepository"/> over the <c>configurations</c> collection, in the original service's
/// document shape plus a <c>version</c> field for optimistic concurrency. A write stores its flow work inside the
/// same document, in the same single-document update (<see cref="MongoFlowWork"/>); a delete leaves a tombstone
/// holding the work until it is done. Reads never see tombstones.
/// </summary>
internal sealed class MongoConfigurationRepository : IConfigurationRepository
{
    /// <summary>The collection name, as in the original service.</summary>
    public const string CollectionName = "configurations";

    private readonly IMongoCollection<ConfigurationDocument> _collection;

    public MongoConfigurationRepository(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _collection = Collection(database);
    }

    /// <summary>The typed collection; registers the class maps first (the collection binds its serializer).</summary>
    public static IMongoCollection<ConfigurationDocument> Collection(IMongoDatabase database)
    {
        MongoDocumentMaps.EnsureRegistered();
        return database.GetCollection<ConfigurationDocument>(CollectionName);
    }

    public async Task<Configuration?> GetAsync(TenantId tenant, ConfigurationId id, CancellationToken cancellationToken)
    {
        var document = await _collection.Find(ConfigurationFilters.ByTenantAndId(tenant, id))
            .FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : ConfigurationDocumentMapper.ToDomain(document);
    }

    public async Task<IReadOnlyList<Configuration>> ListAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var documents = await _collection.Find(ConfigurationFilters.ByTenant(tenant))
            .Sort(ConfigurationFilters.OldestFirst)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(ConfigurationDocumentMapper.ToDomain);
    }

    public async Task AddAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Version != 0)
        {
            throw new InvalidOperationException(
                $"Configuration '{configuration.Id}' was stored already (version {configuration.Version}); update it instead.");
        }

        try
        {
            var document = ConfigurationDocumentMapper.ToDocument(configuration, version: 1);
            document.FlowWork = work.Count == 0 ? null : [.. work.Select(MongoFlowWork.ToDocument)];
            await _collection.InsertOneAsync(document, cancellationToken: cancellationToken);
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new ConcurrencyConflictException($"A configuration with id '{configuration.Id}' exists already.");
        }

        configuration.MarkPersisted();
    }

    public async Task UpdateAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var result = await _collection.UpdateOneAsync(
            ConfigurationFilters.ByTenantIdAndVersion(configuration.Tenant, configuration.Id, configuration.Version),
            MongoFlowWork.Replacement(
                ConfigurationDocumentMapper.ToDocument(configuration, configuration.Version + 1),
                [.. work.Select(MongoFlowWork.ToDocument)]),
            new UpdateOptions { IsUpsert = false },
            cancellationToken);
        if (result.MatchedCount == 0)
        {
            throw Conflict(configuration);
        }

        configuration.MarkPersisted();
    }

    public async Task DeleteAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var result = await _collection.UpdateOneAsync(
            ConfigurationFilters.ByTenantIdAndVersion(configuration.Tenant, configuration.Id, configuration.Version),
            MongoFlowWork.Tombstone([.. work.Select(MongoFlowWork.ToDocument)]),
            new UpdateOptions { IsUpsert = false },
            cancellationToken);
        if (result.MatchedCount == 0)
        {
            throw Conflict(configuration);
        }

        // Nothing left to do for it (no flows, no earlier work): the tombstone goes at once.
        await _collection.DeleteOneAsync(MongoFlowWork.FinishedTombstone(configuration.Id.Value), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Deliberately not filtered by tenant: a record event carries only its flow id. Flow ids are unique Flow
    /// Repository ids, so at most one tenant's configuration holds a given one as an outbound connection.
    /// </remarks>
    public async Task<Configuration?> FindBySourceFlowAsync(FlowId flowId, CancellationToken cancellationToken)
    {
        var document = await _collection.Find(ConfigurationFilters.BySourceFlow(flowId)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : ConfigurationDocumentMapper.ToDomain(document);
    }

    public async IAsyncEnumerable<Configuration> StreamAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _collection.FindAsync(MongoFlowWork.NotDeleted, cancellationToken: cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var document in cursor.Current)
            {
                yield return ConfigurationDocumentMapper.ToDomain(document);
            }
        }
    }

    private static ConcurrencyConflictException Conflict(Configuration configuration) =>
        new($"Configuration '{configuration.Id}' changed or was deleted since version {configuration.Version} was read.");
}
