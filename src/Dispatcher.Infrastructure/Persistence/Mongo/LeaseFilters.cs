using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>The queries of the <c>leases</c> collection, separate so their rendered form can be tested without a server.</summary>
internal static class LeaseFilters
{
    private static FilterDefinitionBuilder<LeaseDocument> Filter => Builders<LeaseDocument>.Filter;

    /// <summary>
    /// The lease <paramref name="name"/> when <paramref name="holder"/> may take it: it holds it already, or the lease
    /// expired at <paramref name="now"/>. A missing lease does not match; the upsert then inserts it.
    /// </summary>
    public static FilterDefinition<LeaseDocument> Acquirable(string name, string holder, DateTimeOffset now) =>
        Filter.Eq(d => d.Id, name)
        & Filter.Or(
            Filter.Eq(d => d.Holder, holder),
            Filter.Lte(d => d.ExpiresAt, MongoWorkDocumentMaps.ToBsonTime(now)));

    /// <summary>The lease <paramref name="name"/> if <paramref name="holder"/> holds it.</summary>
    public static FilterDefinition<LeaseDocument> HeldBy(string name, string holder) =>
        Filter.Eq(d => d.Id, name) & Filter.Eq(d => d.Holder, holder);

    /// <summary>The lease given to <paramref name="holder"/> until <paramref name="expiresAt"/>.</summary>
    public static UpdateDefinition<LeaseDocument> Take(string holder, DateTimeOffset expiresAt) =>
        Builders<LeaseDocument>.Update
            .Set(d => d.Holder, holder)
            .Set(d => d.ExpiresAt, MongoWorkDocumentMaps.ToBsonTime(expiresAt));
}
