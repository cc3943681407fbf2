using System.Text.Json;

namespace Dispatcher.Contracts;

/// <summary>A copy of a changed record tailored to one target inbound flow.</summary>
public sealed record RecordDispatched
{
    /// <summary>The inbound flow that receives the record.</summary>
    public required string TargetFlowId { get; init; }

    /// <summary>The target application's uid (also in <see cref="Meta"/> as <c>applicationUid</c>).</summary>
    public required string ApplicationUid { get; init; }

    /// <summary>The record's id in the target application, when known (also in <see cref="Meta"/> as <c>recordUid</c>).</summary>
    public string? RecordUid { get; init; }

    /// <summary>What happened to the record.</summary>
    public required RecordOperation Operation { get; init; }

    /// <summary>The tailored metadata: the source's fields (including the source <c>flowId</c>) without <c>refs</c>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Meta { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The record itself, unchanged.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Data { get; init; }
}
