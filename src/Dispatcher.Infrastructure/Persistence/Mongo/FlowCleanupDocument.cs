namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>The stored form of a pending flow cleanup (collection <c>flowCleanups</c>); maps in <see cref="MongoWorkDocumentMaps"/>.</summary>
internal sealed class FlowCleanupDocument
{
    /// <summary>The flow id (<c>_id</c>, a string).</summary>
    public string Id { get; set; } = string.Empty;

    public string Tenant { get; set; } = string.Empty;

    /// <summary>24-hex id; an ObjectId, as the configuration's <c>_id</c>.</summary>
    public string ConfigurationId { get; set; } = string.Empty;

    /// <summary>UTC, whole milliseconds (the precision of a BSON date).</summary>
    public DateTime CreatedAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>UTC, whole milliseconds (the precision of a BSON date).</summary>
    public DateTime NextAttemptAt { get; set; }

    public string? LastError { get; set; }
}
