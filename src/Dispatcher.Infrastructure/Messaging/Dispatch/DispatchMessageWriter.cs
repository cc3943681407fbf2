using System.Buffers;
using System.Text.Json;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Infrastructure.Messaging.Dispatch;

/// <summary>
/// Writes a dispatch in the event bus's wire format, straight from the routed event (no intermediate copies):
/// <c>{"headers":{"name":"dispatch.&lt;flowId&gt;","createdAt":&lt;ms&gt;,"serviceName":…},"payload":{"meta":{…},"data":…}}</c>.
/// The meta is the tailored one (<see cref="RecordMeta.TailorFor"/>): source fields in order without
/// <c>applicationUid</c>, <c>recordUid</c> and <c>refs</c>, then the target's <c>applicationUid</c> and <c>recordUid</c>.
/// </summary>
public static class DispatchMessageWriter
{
    /// <summary>Writes the message body of <paramref name="dispatch"/>.</summary>
    public static byte[] Write(OutgoingDispatch dispatch, string serviceName, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, dispatch, serviceName, now);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the message body of <paramref name="dispatch"/> to <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, OutgoingDispatch dispatch, string serviceName, DateTimeOffset now)
    {
        var routed = dispatch.Dispatch;
        writer.WriteStartObject();
        writer.WriteStartObject("headers");
        writer.WriteString("name", dispatch.RoutingKey);
        writer.WriteNumber("createdAt", now.ToUnixTimeMilliseconds());
        writer.WriteString("serviceName", serviceName);
        writer.WriteEndObject();
        writer.WriteStartObject("payload");
        writer.WriteStartObject("meta");
        foreach (var field in routed.Source.Meta.Fields)
        {
            if (field.Key is RecordMeta.ApplicationUidField or RecordMeta.RecordUidField)
            {
                continue;
            }

            writer.WritePropertyName(field.Key);
            field.Value.WriteTo(writer);
        }

        writer.WriteString(RecordMeta.ApplicationUidField, routed.Target.ApplicationUid.Value);
        if (routed.RecordUid is { } recordUid)
        {
            writer.WriteString(RecordMeta.RecordUidField, recordUid);
        }

        writer.WriteEndObject();
        if (routed.Source.Data.ValueKind != JsonValueKind.Undefined)
        {
            writer.WritePropertyName("data");
            routed.Source.Data.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
