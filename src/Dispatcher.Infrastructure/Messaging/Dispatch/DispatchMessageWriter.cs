using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Infrastructure.Messaging.Dispatch;

/// <summary>
/// Writes a dispatch in the event bus's wire format, straight from the routed event (no intermediate copies):
/// <c>{"headers":{"name":"dispatch.&lt;flowId&gt;","createdAt":&lt;ms&gt;,"serviceName":…},"payload":{"meta":{…},"data":…}}</c>.
/// The meta is the tailored one (<see cref="RecordMeta.TailorFor"/>): source fields in order without
/// <c>applicationUid</c>, <c>recordUid</c> and <c>refs</c>, then the target's <c>applicationUid</c> and <c>recordUid</c>.
/// Values of the source event are copied raw (verbatim, as received) unless they were read leniently.
/// For many copies of one event, <see cref="DispatchBodyTemplate"/> is much cheaper: it writes the shared parts once.
/// </summary>
public static class DispatchMessageWriter
{
    // A thread's buffer is reused unless a huge body grew it beyond this.
    private const int MaxRetainedBuffer = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes the message body of <paramref name="dispatch"/> into a new array.</summary>
    public static byte[] Write(OutgoingDispatch dispatch, string serviceName, DateTimeOffset now)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(2048);
        // Our own writes are well-formed (tested), so the writer need not validate them.
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        Write(writer, dispatch, serviceName, now);
        writer.Flush();
        var body = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > MaxRetainedBuffer)
        {
            writer.Dispose();
            t_writer = null;
            t_buffer = null;
        }

        return body;
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
        var fields = routed.Source.Meta.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field.Key is RecordMeta.ApplicationUidField or RecordMeta.RecordUidField)
            {
                continue;
            }

            writer.WritePropertyName(field.Key);
            WriteValue(writer, field.Value);
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
            WriteValue(writer, routed.Source.Data);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (JsonText.IsRawCopyable(value, raw))
        {
            // From a parsed document, hence valid JSON: no need to re-walk it token by token.
            writer.WriteRawValue(raw, skipInputValidation: true);
        }
        else
        {
            value.WriteTo(writer);
        }
    }
}
