using System.Text.Json;

namespace Dispatcher.Contracts;

/// <summary>
/// A record changed in the hub (the .NET counterpart of the Data Hub's <c>data-hub.record.*</c> events).
/// Publish it to have the dispatcher route the change to every matching inbound flow.
/// </summary>
public sealed record RecordChanged
{
    /// <summary>A unique id of this change, used to derive deterministic dispatch message ids.</summary>
    public required Guid EventId { get; init; }

    /// <summary>The outbound flow the data came from (the original's <c>meta.flowId</c>).</summary>
    public required string FlowId { get; init; }

    /// <summary>What happened to the record.</summary>
    public required RecordOperation Operation { get; init; }

    /// <summary>The record's metadata fields other than <c>refs</c> (e.g. <c>oihUid</c>, <c>domainId</c>, <c>schema</c>); passed through.</summary>
    public IReadOnlyDictionary<string, JsonElement> Meta { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The record's ids in other applications; used to set each target's <c>recordUid</c>.</summary>
    public IReadOnlyList<RecordReference> Refs { get; init; } = [];

    /// <summary>The record itself, passed through unchanged (may be absent, e.g. for a delete).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Data { get; init; }
}
