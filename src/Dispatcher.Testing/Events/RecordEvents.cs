using System.Text.Json;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Testing;

/// <summary>
/// Domain <see cref="RecordEvent"/>s for predicting routing directly with Dispatcher.Domain
/// (<c>RoutingPolicy.Route(configuration, RecordEvents.From(ThreeAppExample.SnazzyOut, Operation.Create))</c>),
/// without a bus. For the message contract use <see cref="RecordChangedFactory"/>.
/// </summary>
public static class RecordEvents
{
    /// <summary>The data of events built without any: <c>{"firstName":"Jane"}</c>.</summary>
    public const string DefaultDataJson = """{"firstName":"Jane"}""";

    /// <summary>
    /// A record event from <paramref name="flowId"/>. Without <paramref name="metaJson"/>, the meta is
    /// <c>{"flowId":&lt;flowId&gt;,"oihUid":"65f000000000000000000001","domainId":"5d9b","schema":"person"}</c>;
    /// a given meta is taken as it is (its <c>refs</c> parsed).
    /// </summary>
    /// <param name="flowId">The source (outbound) flow.</param>
    /// <param name="operation">What happened to the record.</param>
    /// <param name="metaJson">The meta as a JSON object, or null for the default above.</param>
    /// <param name="dataJson">The record as JSON.</param>
    /// <returns>The event.</returns>
    public static RecordEvent From(string flowId, Operation operation, string? metaJson = null, string dataJson = DefaultDataJson)
    {
        using var meta = JsonDocument.Parse(metaJson ?? $$"""{"flowId":{{JsonSerializer.Serialize(flowId)}},"oihUid":"65f000000000000000000001","domainId":"5d9b","schema":"person"}""");
        using var data = JsonDocument.Parse(dataJson);
        return new RecordEvent(FlowId.Parse(flowId), operation, RecordMeta.FromJson(meta.RootElement), data.RootElement.Clone());
    }
}
