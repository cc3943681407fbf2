using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.Persistence.Documents;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// <see cref="IFlowWorkQueue"/> over MongoDB (see <see cref="MongoFlowWork"/>): work written with a change lives in
/// its configuration document's <c>flowWork</c> array; work of no write in the <c>flowWork</c> collection. Every
/// operation is a single-document write, so it needs no transactions.
/// </summary>
internal sealed class MongoFlowWorkQueue : IFlowWorkQueue
{
    private readonly IMongoCollection<ConfigurationDocument> _configurations;
    private readonly IMongoCollection<FlowWorkDocument> _standalone;

    public MongoFlowWorkQueue(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _configurations = MongoConfigurationRepository.Collection(database);
        _standalone = Collection(database);
    }

    /// <summary>The standalone collection; registers the class maps first.</summary>
    public static IMongoCollection<FlowWorkDocument> Collection(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        MongoWorkDocumentMaps.EnsureRegistered();
        return database.GetCollection<FlowWorkDocument>(MongoFlowWork.CollectionName);
    }

    public async Task EnqueueAsync(IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (work.Count == 0)
        {
            return;
        }

        var writes = work.Select(MongoFlowWork.ToDocument).Select(document => new UpdateOneModel<FlowWorkDocument>(
            Builders<FlowWorkDocument>.Filter.Eq(d => d.Id, document.Id), MongoFlowWork.StandaloneUpsert(document)) { IsUpsert = true });
        await _standalone.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
    }

    public async Task<IReadOnlyList<PendingFlowWork>> ClaimDueAsync(
        DateTimeOffset now, int max, TimeSpan claimFor, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var claimed = new List<PendingFlowWork>();
        var until = now + claimFor;
        var embedded = await (await _configurations.AggregateAsync(MongoFlowWork.DueEntries(now, max), cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        foreach (var entry in embedded.Select(MongoFlowWork.ToDomain))
        {
            var result = await _configurations.UpdateOneAsync(
                MongoFlowWork.Holding(entry, dueBy: now),
                MongoFlowWork.EmbeddedRescheduled(until, null, failed: false, keepError: true),
                cancellationToken: cancellationToken);
            if (result.ModifiedCount == 1)
            {
                claimed.Add(entry with { NextAttemptAt = until });
            }
        }

        if (claimed.Count < max)
        {
            var standalone = await _standalone.Find(MongoFlowWork.StandaloneDue(now))
                .Sort(Builders<FlowWorkDocument>.Sort.Ascending(d => d.NextAttemptAt).Ascending(d => d.Id))
                .Limit(max - claimed.Count)
                .ToListAsync(cancellationToken);
            foreach (var entry in standalone.Select(MongoFlowWork.ToDomain))
            {
                var result = await _standalone.UpdateOneAsync(
                    MongoFlowWork.Standalone(entry, dueBy: now),
                    Builders<FlowWorkDocument>.Update.Set(d => d.NextAttemptAt, MongoWorkDocumentMaps.ToBsonTime(until)),
                    cancellationToken: cancellationToken);
                if (result.ModifiedCount == 1)
                {
                    claimed.Add(entry with { NextAttemptAt = until });
                }
            }
        }

        return claimed;
    }

    public async Task<IReadOnlyList<PendingFlowWork>> ListAsync(CancellationToken cancellationToken)
    {
        var embedded = await (await _configurations.AggregateAsync(MongoFlowWork.AllEntries, cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        var standalone = await _standalone.Find(FilterDefinition<FlowWorkDocument>.Empty).ToListAsync(cancellationToken);
        return [.. embedded.Concat(standalone).Select(MongoFlowWork.ToDomain).OrderBy(e => e.NextAttemptAt).ThenBy(e => e.Work.FlowId.Value, StringComparer.Ordinal)];
    }

    public async Task CompleteAsync(PendingFlowWork entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var pulled = await _configurations.UpdateOneAsync(MongoFlowWork.Holding(entry), MongoFlowWork.Pulled(entry), cancellationToken: cancellationToken);
        if (pulled.ModifiedCount > 0)
        {
            await _configurations.DeleteOneAsync(MongoFlowWork.FinishedTombstone(entry.Work.ConfigurationId.Value), cancellationToken);
            return;
        }

        await _standalone.DeleteOneAsync(MongoFlowWork.Standalone(entry), cancellationToken);
    }

    public async Task RescheduleAsync(
        PendingFlowWork entry, DateTimeOffset nextAttemptAt, string? error, bool failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        error = FlowWorkText.Truncate(error);
        var embedded = await _configurations.UpdateOneAsync(
            MongoFlowWork.Holding(entry),
            MongoFlowWork.EmbeddedRescheduled(nextAttemptAt, error, failed, keepError: false),
            cancellationToken: cancellationToken);
        if (embedded.MatchedCount > 0)
        {
            return;
        }

        var update = Builders<FlowWorkDocument>.Update
            .Set(d => d.NextAttemptAt, MongoWorkDocumentMaps.ToBsonTime(nextAttemptAt))
            .Set(d => d.LastError, error)
            .Inc(d => d.Attempts, failed ? 1 : 0);
        await _standalone.UpdateOneAsync(MongoFlowWork.Standalone(entry), update, cancellationToken: cancellationToken);
    }
}
