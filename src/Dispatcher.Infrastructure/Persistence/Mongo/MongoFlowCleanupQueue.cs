using Dispatcher.Application.Abstractions;
using Dispatcher.Domain.Configurations;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// <see cref="IFlowCleanupQueue"/> over the <c>flowCleanups</c> collection, one document per flow (<c>_id</c> = the
/// flow id). Times are BSON dates (UTC, millisecond precision).
/// </summary>
internal sealed class MongoFlowCleanupQueue : IFlowCleanupQueue
{
    /// <summary>The collection name.</summary>
    public const string CollectionName = "flowCleanups";

    /// <summary>Longer errors are cut to this many characters.</summary>
    public const int MaxErrorLength = 1000;

    private readonly IMongoCollection<FlowCleanupDocument> _collection;

    public MongoFlowCleanupQueue(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _collection = Collection(database);
    }

    /// <summary>The typed collection; registers the class maps first (the collection binds its serializer).</summary>
    public static IMongoCollection<FlowCleanupDocument> Collection(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        MongoWorkDocumentMaps.EnsureRegistered();
        return database.GetCollection<FlowCleanupDocument>(CollectionName);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One unordered insert: a flow already queued (or twice in the batch) keeps its first entry — the duplicate-key
    /// errors are expected and ignored.
    /// </remarks>
    public async Task AddAsync(IEnumerable<PendingFlowCleanup> cleanups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cleanups);
        var documents = cleanups.Select(ToDocument).ToList();
        if (documents.Count == 0)
        {
            return;
        }

        try
        {
            await _collection.InsertManyAsync(documents, new InsertManyOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException e) when (
            e.WriteConcernError is null && e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey))
        {
            // Already queued: kept as it is.
        }
    }

    public async Task<IReadOnlyList<PendingFlowCleanup>> GetDueAsync(
        DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (max == 0)
        {
            // Limit(0) would mean "no limit".
            return [];
        }

        var documents = await _collection.Find(FlowCleanupFilters.DueAt(now))
            .Sort(FlowCleanupFilters.DueFirst)
            .Limit(max)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(ToDomain);
    }

    public async Task<IReadOnlyList<PendingFlowCleanup>> ListAsync(CancellationToken cancellationToken)
    {
        var documents = await _collection.Find(FilterDefinition<FlowCleanupDocument>.Empty)
            .Sort(FlowCleanupFilters.DueFirst)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(ToDomain);
    }

    /// <inheritdoc />
    /// <remarks>A flow that is not queued is ignored.</remarks>
    public Task CompleteAsync(FlowId flowId, CancellationToken cancellationToken) =>
        _collection.DeleteOneAsync(FlowCleanupFilters.ByFlow(flowId), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// A flow that is not queued (completed meanwhile) is ignored. The error is cut to
    /// <see cref="MaxErrorLength"/> characters.
    /// </remarks>
    public Task RescheduleAsync(
        FlowId flowId, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lastError);
        return _collection.UpdateOneAsync(
            FlowCleanupFilters.ByFlow(flowId),
            FlowCleanupFilters.Rescheduled(nextAttemptAt, Truncate(lastError)!),
            new UpdateOptions { IsUpsert = false },
            cancellationToken);
    }

    /// <summary>
    /// <paramref name="error"/> cut to <see cref="MaxErrorLength"/> characters, without splitting a surrogate pair.
    /// </summary>
    internal static string? Truncate(string? error) =>
        error is null || error.Length <= MaxErrorLength ? error
        : error[..(char.IsHighSurrogate(error[MaxErrorLength - 1]) ? MaxErrorLength - 1 : MaxErrorLength)];

    private static FlowCleanupDocument ToDocument(PendingFlowCleanup cleanup)
    {
        ArgumentNullException.ThrowIfNull(cleanup);
        return new FlowCleanupDocument
        {
            Id = cleanup.FlowId.Value,
            Tenant = cleanup.Tenant.Value,
            ConfigurationId = cleanup.ConfigurationId.Value,
            CreatedAt = MongoWorkDocumentMaps.ToBsonTime(cleanup.CreatedAt),
            Attempts = cleanup.Attempts,
            NextAttemptAt = MongoWorkDocumentMaps.ToBsonTime(cleanup.NextAttemptAt),
            LastError = Truncate(cleanup.LastError),
        };
    }

    private static PendingFlowCleanup ToDomain(FlowCleanupDocument document) => new(
        FlowId.Parse(document.Id),
        TenantId.Parse(document.Tenant),
        ConfigurationId.Parse(document.ConfigurationId),
        MongoWorkDocumentMaps.FromBsonTime(document.CreatedAt),
        document.Attempts,
        MongoWorkDocumentMaps.FromBsonTime(document.NextAttemptAt),
        document.LastError);
}
