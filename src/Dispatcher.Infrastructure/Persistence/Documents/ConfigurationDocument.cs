using System.Text.Json.Serialization;

namespace Dispatcher.Infrastructure.Persistence.Documents;

/// <summary>
/// The stored form of a configuration, shaped like the original service's MongoDB document (collection
/// <c>configurations</c>) plus <see cref="Version"/>. Both stores use it: MongoDB as BSON, SQLite as JSON text.
/// </summary>
internal sealed class ConfigurationDocument
{
    /// <summary>24-hex id; an ObjectId in MongoDB.</summary>
    [JsonPropertyName("_id")]
    public string Id { get; set; } = string.Empty;

    public string Tenant { get; set; } = string.Empty;

    public string? Name { get; set; }

    public string? DataModel { get; set; }

    public List<AppDocument>? Applications { get; set; }

    /// <summary>UTC, whole milliseconds (the precision of a BSON date).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC, whole milliseconds (the precision of a BSON date).</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// MongoDB only: Mongoose's version key <c>__v</c>, written as the original does on create (0) so the original
    /// service reads and saves documents written here as its own; the original changes it only when it saves a loaded
    /// document whose arrays changed, which its routes do not do.
    /// </summary>
    [JsonIgnore]
    public int MongooseVersion { get; set; }

    /// <summary>Optimistic-concurrency version; absent (0) in documents written by the original service.</summary>
    public long Version { get; set; }

    /// <summary>
    /// MongoDB only: flow work written with the change that implies it (absent when there is none). SQLite keeps it
    /// in its own table, written in the same transaction.
    /// </summary>
    [JsonIgnore]
    public List<Mongo.FlowWorkDocument>? FlowWork { get; set; }

    /// <summary>
    /// MongoDB only: the configuration is deleted and the document stays only until its <see cref="FlowWork"/> is done.
    /// </summary>
    [JsonIgnore]
    public bool Deleted { get; set; }
}
