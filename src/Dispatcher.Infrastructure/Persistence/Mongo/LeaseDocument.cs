namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>The stored form of a lease (collection <c>leases</c>); maps in <see cref="MongoWorkDocumentMaps"/>.</summary>
internal sealed class LeaseDocument
{
    /// <summary>The lease name (<c>_id</c>).</summary>
    public string Id { get; set; } = string.Empty;

    public string Holder { get; set; } = string.Empty;

    /// <summary>UTC, whole milliseconds: the lease is held until then (exclusive).</summary>
    public DateTime ExpiresAt { get; set; }
}
