using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Documents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// <see cref="IConfigurationRepository"/> over the <c>configurations</c> collection, in the original service's
/// document shape plus a <c>version</c> field for optimistic concurrency. A write stores its flow work inside the
/// same document, in the same single-document update (<see cref="MongoFlowWork"/>); a delete leaves a tombstone
/// holding the work until it is done. Reads never see tombstones.
/// </summary>
/// <remarks>
/// A document this service cannot read — written by the original service under its looser schema, e.g. an inbound
/// flow without an operation — is left out of every read (logged once, with the reason) instead of failing the
/// tenant's list or the routing table's load: docs/migrating-from-oih.md shows how to find such documents.
/// </remarks>
internal sealed partial class MongoConfigurationRepository : IConfigurationRepository
{
    /// <summary>The collection name, as in the original service.</summary>
    public const string CollectionName = "configurations";

    private readonly IMongoCollection<ConfigurationDocument> _collection;

    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, bool> _reported = new(StringComparer.Ordinal);

    public MongoConfigurationRepository(IMongoDatabase database, ILogger<MongoConfigurationRepository>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _collection = Collection(database);
        _logger = logger ?? NullLogger<MongoConfigurationRepository>.Instance;
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
        return document is null ? null : Readable(document);
    }

    public async Task<IReadOnlyList<Configuration>> ListAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var documents = await _collection.Find(ConfigurationFilters.ByTenant(tenant))
            .Sort(ConfigurationFilters.OldestFirst)
            .ToListAsync(cancellationToken);
        return [.. documents.Select(Readable).OfType<Configuration>()];
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
        return document is null ? null : Readable(document);
    }

    public async IAsyncEnumerable<Configuration> StreamAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _collection.FindAsync(MongoFlowWork.NotDeleted, cancellationToken: cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var document in cursor.Current)
            {
                if (Readable(document) is { } configuration)
                {
                    yield return configuration;
                }
            }
        }
    }

    /// <summary>The configuration, or null (reported once per document) when the document breaks a domain rule.</summary>
    private Configuration? Readable(ConfigurationDocument document)
    {
        try
        {
            return ConfigurationDocumentMapper.ToDomain(document);
        }
        catch (InvalidDataException e)
        {
            if (_reported.TryAdd(document.Id, true))
            {
                LogUnreadable(document.Id, e.Message);
            }

            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Configuration {ConfigurationId} is left out of every read: {Reason}")]
    private partial void LogUnreadable(string configurationId, string reason);

    private static ConcurrencyConflictException Conflict(Configuration configuration) =>
        new($"Configuration '{configuration.Id}' changed or was deleted since version {configuration.Version} was read.");
}
