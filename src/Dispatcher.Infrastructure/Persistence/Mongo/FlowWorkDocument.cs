namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// The stored form of a piece of flow work: an element of a configuration document's <c>flowWork</c> array (written
/// with the change that implies it), or a document of the <c>flowWork</c> collection (work of no write, e.g. an
/// orphan's removal). Maps in <see cref="MongoWorkDocumentMaps"/>.
/// </summary>
internal sealed class FlowWorkDocument
{
    /// <summary>The flow id (<c>_id</c>, a string): one entry per flow.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Tells this entry from a later one for the same flow.</summary>
    public long Generation { get; set; }

    /// <summary><c>start</c>, <c>stop</c>, <c>remove</c> or <c>declare-destination</c>.</summary>
    public string Kind { get; set; } = string.Empty;

    public string? Tenant { get; set; }

    /// <summary>24-hex id; an ObjectId, as the configuration's <c>_id</c>.</summary>
    public string ConfigurationId { get; set; } = string.Empty;

    /// <summary>UTC, whole milliseconds (the precision of a BSON date).</summary>
    public DateTime RequestedAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>UTC, whole milliseconds (the precision of a BSON date).</summary>
    public DateTime NextAttemptAt { get; set; }

    public string? LastError { get; set; }
}
