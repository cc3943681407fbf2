using Dispatcher.Application.Ports;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// <see cref="ILeaseStore"/> over the <c>leases</c> collection, one document per lease (<c>_id</c> = its name).
/// Taking a lease is one conditional upsert, atomic on the server. A lease is held until its <c>expiresAt</c>
/// (exclusive); "now" comes from the injected <see cref="TimeProvider"/>, so instances need roughly synchronised clocks.
/// </summary>
internal sealed class MongoLeaseStore : ILeaseStore
{
    public const string CollectionName = "leases";

    private readonly IMongoCollection<LeaseDocument> _collection;
    private readonly TimeProvider _timeProvider;

    public MongoLeaseStore(IMongoDatabase database, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _collection = Collection(database);
        _timeProvider = timeProvider;
    }

    /// <summary>The typed collection; registers the class maps first (the collection binds its serializer).</summary>
    public static IMongoCollection<LeaseDocument> Collection(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        MongoWorkDocumentMaps.EnsureRegistered();
        return database.GetCollection<LeaseDocument>(CollectionName);
    }

    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = _timeProvider.GetUtcNow();
        try
        {
            // Matches our own or an expired lease and takes it; no match inserts (upsert) a free one.
            var result = await _collection.UpdateOneAsync(
                LeaseFilters.Acquirable(name, holder, now),
                LeaseFilters.Take(holder, now + duration),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
            return result.MatchedCount > 0 || result.UpsertedId is not null;
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // The lease exists but did not match: another holder's live lease. The upsert's insert collided with it.
            return false;
        }
    }

    public Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        return _collection.DeleteOneAsync(LeaseFilters.HeldBy(name, holder), cancellationToken);
    }
}
