using Dispatcher.Domain.Configurations;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>The queries of the <c>flowCleanups</c> collection, separate so their rendered form can be tested without a server.</summary>
internal static class FlowCleanupFilters
{
    private static FilterDefinitionBuilder<FlowCleanupDocument> Filter => Builders<FlowCleanupDocument>.Filter;

    /// <summary>One flow's entry.</summary>
    public static FilterDefinition<FlowCleanupDocument> ByFlow(FlowId flowId) => Filter.Eq(d => d.Id, flowId.Value);

    /// <summary>The entries due at <paramref name="now"/> (millisecond precision).</summary>
    public static FilterDefinition<FlowCleanupDocument> DueAt(DateTimeOffset now) =>
        Filter.Lte(d => d.NextAttemptAt, MongoWorkDocumentMaps.ToBsonTime(now));

    /// <summary>Oldest due first, then by flow id; served by <see cref="Indexes"/>.</summary>
    public static SortDefinition<FlowCleanupDocument> DueFirst { get; } =
        Builders<FlowCleanupDocument>.Sort.Ascending(d => d.NextAttemptAt).Ascending(d => d.Id);

    /// <summary>Another failed attempt: count it, record the error and the next due time.</summary>
    public static UpdateDefinition<FlowCleanupDocument> Rescheduled(DateTimeOffset nextAttemptAt, string lastError) =>
        Builders<FlowCleanupDocument>.Update
            .Inc(d => d.Attempts, 1)
            .Set(d => d.NextAttemptAt, MongoWorkDocumentMaps.ToBsonTime(nextAttemptAt))
            .Set(d => d.LastError, lastError);

    /// <summary>The collection's index: the due query and its order.</summary>
    public static IReadOnlyList<CreateIndexModel<FlowCleanupDocument>> Indexes { get; } =
    [
        new(Builders<FlowCleanupDocument>.IndexKeys.Ascending(d => d.NextAttemptAt).Ascending(d => d.Id)),
    ];
}
