using System.Text.Json;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Domain.Tests.Builders;

public static class Events
{
    /// <summary>A record event from <paramref name="flowId"/> with the given meta JSON (flowId added when absent).</summary>
    public static RecordEvent From(string flowId, Operation operation, string? metaJson = null, string dataJson = """{"firstName":"Jane"}""")
    {
        using var meta = JsonDocument.Parse(metaJson ?? $$"""{"flowId":"{{flowId}}","oihUid":"65f000000000000000000001","domainId":"5d9b","schema":"person"}""");
        using var data = JsonDocument.Parse(dataJson);
        return new RecordEvent(FlowId.Parse(flowId), operation, RecordMeta.FromJson(meta.RootElement), data.RootElement.Clone());
    }

    /// <summary>The meta as compact JSON (field order kept), for exact comparisons.</summary>
    public static string ToJson(this RecordMeta meta)
    {
        var fields = meta.Fields.ToDictionary(f => f.Key, f => f.Value);
        if (meta.Refs.Count > 0)
        {
            fields["refs"] = JsonSerializer.SerializeToElement(meta.Refs.Select(r => new { applicationUid = r.ApplicationUid, recordUid = r.RecordUid }));
        }

        return JsonSerializer.Serialize(fields);
    }
}
