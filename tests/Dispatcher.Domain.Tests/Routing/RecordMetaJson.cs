using System.Text.Json;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Domain.Tests.Routing;

internal static class RecordMetaJson
{
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
