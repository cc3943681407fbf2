using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Documents;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// How flow work is kept in MongoDB without multi-document transactions (a standalone server has none): a change's
/// work is an array inside the configuration document, written by the same single-document update as the change;
/// a deleted configuration becomes a tombstone holding only its work until that is done. The queries and updates are
/// here, separate, so their rendered form can be tested without a server.
/// </summary>
internal static class MongoFlowWork
{
    /// <summary>The configuration document's array of pending work.</summary>
    public const string ArrayField = "flowWork";

    /// <summary>Set on a deleted configuration's tombstone.</summary>
    public const string DeletedField = "deleted";

    /// <summary>The collection of work that belongs to no configuration write.</summary>
    public const string CollectionName = "flowWork";

    private const string NextAttemptAtPath = ArrayField + ".nextAttemptAt";

    /// <summary>Live configurations only (not tombstones).</summary>
    public static FilterDefinition<ConfigurationDocument> NotDeleted { get; } =
        Builders<ConfigurationDocument>.Filter.Ne(DeletedField, true);

    /// <summary>A stored entry for <paramref name="work"/>, due at once.</summary>
    public static FlowWorkDocument ToDocument(FlowWork work)
    {
        var requestedAt = MongoWorkDocumentMaps.ToBsonTime(work.RequestedAt);
        return new FlowWorkDocument
        {
            Id = work.FlowId.Value,
            Generation = Random.Shared.NextInt64(),
            Kind = FlowWorkText.Of(work.Kind),
            Tenant = work.Tenant?.Value,
            ConfigurationId = work.ConfigurationId.Value,
            RequestedAt = requestedAt,
            NextAttemptAt = requestedAt,
        };
    }

    public static PendingFlowWork ToDomain(FlowWorkDocument document) => new(
        new FlowWork(
            FlowId.Parse(document.Id),
            FlowWorkText.ParseKind(document.Kind),
            document.Tenant is null ? null : TenantId.Parse(document.Tenant),
            ConfigurationId.Parse(document.ConfigurationId),
            MongoWorkDocumentMaps.FromBsonTime(document.RequestedAt)),
        document.Generation,
        document.Attempts,
        MongoWorkDocumentMaps.FromBsonTime(document.NextAttemptAt),
        document.LastError);

    /// <summary>
    /// The stored work array with <paramref name="added"/> merged in, as an aggregation expression evaluated by the
    /// server inside the same update: entries for other flows stay, a new entry replaces an old one for the same
    /// flow, except that a pending removal stays a removal.
    /// </summary>
    public static BsonDocument MergedWork(IReadOnlyCollection<FlowWorkDocument> added)
    {
        var addedIds = new BsonArray(added.Select(a => a.Id));
        var addedEntries = new BsonArray(added.Select(a => a.ToBsonDocument()));
        var existing = new BsonDocument("$ifNull", new BsonArray { "$" + ArrayField, new BsonArray() });
        var removing = new BsonDocument("$map", new BsonDocument
        {
            { "input", new BsonDocument("$filter", new BsonDocument { { "input", existing }, { "as", "w" }, { "cond", new BsonDocument("$eq", new BsonArray { "$$w.kind", "remove" }) } }) },
            { "as", "w" },
            { "in", "$$w._id" },
        });
        var kept = new BsonDocument("$filter", new BsonDocument
        {
            { "input", existing },
            { "as", "w" },
            {
                "cond", new BsonDocument("$or", new BsonArray
                {
                    new BsonDocument("$not", new BsonArray { new BsonDocument("$in", new BsonArray { "$$w._id", new BsonDocument("$literal", addedIds) }) }),
                    new BsonDocument("$eq", new BsonArray { "$$w.kind", "remove" }),
                })
            },
        });
        var fresh = new BsonDocument("$filter", new BsonDocument
        {
            { "input", new BsonDocument("$literal", addedEntries) },
            { "as", "n" },
            { "cond", new BsonDocument("$not", new BsonArray { new BsonDocument("$in", new BsonArray { "$$n._id", "$$removing" }) }) },
        });
        return new BsonDocument("$let", new BsonDocument
        {
            { "vars", new BsonDocument("removing", removing) },
            { "in", new BsonDocument("$concatArrays", new BsonArray { kept, fresh }) },
        });
    }

    /// <summary>The update that replaces a configuration with <paramref name="document"/> and merges in its new work.</summary>
    public static PipelineDefinition<ConfigurationDocument, ConfigurationDocument> Replacement(
        ConfigurationDocument document, IReadOnlyCollection<FlowWorkDocument> added)
    {
        var state = document.ToBsonDocument();
        state.Remove(ArrayField);
        state.Remove(DeletedField);
        // $literal: stored values (names, fields) may start with "$" and must not be read as expressions.
        return PipelineDefinition<ConfigurationDocument, ConfigurationDocument>.Create(
            new BsonDocument("$replaceWith", new BsonDocument("$mergeObjects", new BsonArray
            {
                new BsonDocument("$literal", state),
                new BsonDocument(ArrayField, MergedWork(added)),
            })));
    }

    /// <summary>The update that turns a configuration into a tombstone holding its work.</summary>
    public static PipelineDefinition<ConfigurationDocument, ConfigurationDocument> Tombstone(IReadOnlyCollection<FlowWorkDocument> added) =>
        PipelineDefinition<ConfigurationDocument, ConfigurationDocument>.Create(
            new BsonDocument("$replaceWith", new BsonDocument
            {
                { "_id", "$_id" },
                { "tenant", "$tenant" },
                { DeletedField, true },
                { ArrayField, MergedWork(added) },
            }));

    /// <summary>A tombstone whose work is all done.</summary>
    public static FilterDefinition<ConfigurationDocument> FinishedTombstone(string configurationId) =>
        new BsonDocument { { "_id", ObjectId.Parse(configurationId) }, { DeletedField, true }, { ArrayField, new BsonDocument("$size", 0) } };

    /// <summary>Configuration documents with work due at <paramref name="now"/>, unwound to their due entries, oldest first.</summary>
    public static PipelineDefinition<ConfigurationDocument, FlowWorkDocument> DueEntries(DateTimeOffset now, int max)
    {
        var due = new BsonDocument("$lte", MongoWorkDocumentMaps.ToBsonTime(now));
        return PipelineDefinition<ConfigurationDocument, FlowWorkDocument>.Create(
            new BsonDocument("$match", new BsonDocument(NextAttemptAtPath, due)),
            new BsonDocument("$unwind", "$" + ArrayField),
            new BsonDocument("$match", new BsonDocument(NextAttemptAtPath, due)),
            new BsonDocument("$sort", new BsonDocument { { NextAttemptAtPath, 1 }, { ArrayField + "._id", 1 } }),
            new BsonDocument("$limit", max),
            new BsonDocument("$replaceWith", "$" + ArrayField));
    }

    /// <summary>Every entry of every configuration document.</summary>
    public static PipelineDefinition<ConfigurationDocument, FlowWorkDocument> AllEntries { get; } =
        PipelineDefinition<ConfigurationDocument, FlowWorkDocument>.Create(
            new BsonDocument("$match", new BsonDocument(ArrayField + ".0", new BsonDocument("$exists", true))),
            new BsonDocument("$unwind", "$" + ArrayField),
            new BsonDocument("$replaceWith", "$" + ArrayField));

    /// <summary>The configuration document holding the entry (<paramref name="dueBy"/>: only while it is due then).</summary>
    public static FilterDefinition<ConfigurationDocument> Holding(PendingFlowWork entry, DateTimeOffset? dueBy = null)
    {
        var match = new BsonDocument { { "_id", entry.Work.FlowId.Value }, { "generation", entry.Generation } };
        if (dueBy is { } now)
        {
            match.Add("nextAttemptAt", new BsonDocument("$lte", MongoWorkDocumentMaps.ToBsonTime(now)));
        }

        return new BsonDocument
        {
            { "_id", ObjectId.Parse(entry.Work.ConfigurationId.Value) },
            { ArrayField, new BsonDocument("$elemMatch", match) },
        };
    }

    /// <summary>Sets the matched entry's due time (and error and attempts) through the positional operator.</summary>
    public static UpdateDefinition<ConfigurationDocument> EmbeddedRescheduled(DateTimeOffset nextAttemptAt, string? error, bool failed, bool keepError)
    {
        var set = new BsonDocument(ArrayField + ".$.nextAttemptAt", MongoWorkDocumentMaps.ToBsonTime(nextAttemptAt));
        if (!keepError)
        {
            set.Add(ArrayField + ".$.lastError", error is null ? BsonNull.Value : error);
        }

        var update = new BsonDocument("$set", set);
        if (failed)
        {
            update.Add("$inc", new BsonDocument(ArrayField + ".$.attempts", 1));
        }

        return update;
    }

    /// <summary>Removes the entry from its configuration document.</summary>
    public static UpdateDefinition<ConfigurationDocument> Pulled(PendingFlowWork entry) =>
        new BsonDocument("$pull", new BsonDocument(ArrayField, new BsonDocument { { "_id", entry.Work.FlowId.Value }, { "generation", entry.Generation } }));

    /// <summary>The standalone entry, while it is the same generation (and due by <paramref name="dueBy"/>).</summary>
    public static FilterDefinition<FlowWorkDocument> Standalone(PendingFlowWork entry, DateTimeOffset? dueBy = null)
    {
        var filter = Builders<FlowWorkDocument>.Filter.Eq(d => d.Id, entry.Work.FlowId.Value)
            & Builders<FlowWorkDocument>.Filter.Eq(d => d.Generation, entry.Generation);
        return dueBy is { } now ? filter & StandaloneDue(now) : filter;
    }

    public static FilterDefinition<FlowWorkDocument> StandaloneDue(DateTimeOffset now) =>
        Builders<FlowWorkDocument>.Filter.Lte(d => d.NextAttemptAt, MongoWorkDocumentMaps.ToBsonTime(now));

    /// <summary>Stores a standalone entry; a pending removal of the same flow stays a removal.</summary>
    public static PipelineDefinition<FlowWorkDocument, FlowWorkDocument> StandaloneUpsert(FlowWorkDocument document) =>
        PipelineDefinition<FlowWorkDocument, FlowWorkDocument>.Create(
            new BsonDocument("$replaceWith", new BsonDocument("$cond", new BsonArray
            {
                new BsonDocument("$eq", new BsonArray { "$kind", "remove" }),
                new BsonDocument("$mergeObjects", new BsonArray { new BsonDocument("$literal", document.ToBsonDocument()), new BsonDocument("kind", "remove") }),
                new BsonDocument("$literal", document.ToBsonDocument()),
            })));

    /// <summary>The indexes of the due queries.</summary>
    public static IReadOnlyList<CreateIndexModel<ConfigurationDocument>> ConfigurationIndexes { get; } =
        [new(new BsonDocument(NextAttemptAtPath, 1), new CreateIndexOptions { Sparse = true })];

    /// <summary>The index of the standalone collection's due query.</summary>
    public static IReadOnlyList<CreateIndexModel<FlowWorkDocument>> StandaloneIndexes { get; } =
        [new(Builders<FlowWorkDocument>.IndexKeys.Ascending(d => d.NextAttemptAt).Ascending(d => d.Id))];
}
