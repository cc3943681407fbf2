using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Dispatcher.LoadTest;

/// <summary>
/// Record events in the platform's event-bus format. The data carries <c>bench.seq</c> (a unique number per event)
/// and <c>bench.sentTs</c> (the load tool's <see cref="Stopwatch"/> timestamp at publish); both survive dispatching
/// unchanged, so the collector reads them back from each dispatch body.
/// </summary>
public static class EventBody
{
    public const string CreatedEvent = "data-hub.record.created";

    /// <summary>The body of event <paramref name="seq"/> from <paramref name="sourceFlowId"/>, stamped now.</summary>
    public static byte[] Create(long seq, string sourceFlowId, string sourceAppUid, IReadOnlyList<string> targetAppUids)
    {
        var buffer = new ArrayBufferWriter<byte>(768);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("headers");
            writer.WriteString("name", CreatedEvent);
            writer.WriteNumber("createdAt", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            writer.WriteString("serviceName", "data-hub");
            writer.WriteEndObject();
            writer.WriteStartObject("payload");
            writer.WriteStartObject("meta");
            writer.WriteString("domainId", "5d9b");
            writer.WriteString("schema", "person");
            writer.WriteString("recordUid", $"rec-{seq}");
            writer.WriteString("applicationUid", sourceAppUid);
            writer.WriteString("flowId", sourceFlowId);
            writer.WriteString("oihUid", $"65f{seq:x21}");
            writer.WriteStartArray("refs");
            WriteRef(writer, sourceAppUid, $"rec-{seq}");
            for (var i = 0; i < targetAppUids.Count; i += 2)
            {
                WriteRef(writer, targetAppUids[i], $"rec-{seq}-{i}");
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartObject("data");
            writer.WriteString("firstName", "Jane");
            writer.WriteString("lastName", "Doe");
            writer.WriteString("email", "jane.doe@example.com");
            writer.WriteString("phone", "+49 30 1234567");
            writer.WriteStartObject("address");
            writer.WriteString("street", "Hauptstrasse 1");
            writer.WriteString("city", "Berlin");
            writer.WriteString("zip", "10115");
            writer.WriteEndObject();
            writer.WriteStartObject("bench");
            writer.WriteNumber("seq", seq);
            writer.WriteNumber("sentTs", Stopwatch.GetTimestamp());
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads <c>bench.seq</c> and <c>bench.sentTs</c> from any body that carries them; false otherwise.</summary>
    public static bool TryReadStamp(ReadOnlySpan<byte> body, out long seq, out long sentTs)
    {
        seq = -1;
        sentTs = 0;
        var reader = new Utf8JsonReader(body);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (reader.ValueTextEquals("seq"u8) && reader.Read() && reader.TokenType == JsonTokenType.Number)
                {
                    seq = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("sentTs"u8) && reader.Read() && reader.TokenType == JsonTokenType.Number)
                {
                    sentTs = reader.GetInt64();
                    return seq >= 0;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return false;
    }

    /// <summary>For logs.</summary>
    public static string Describe(ReadOnlySpan<byte> body) => Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)]);

    private static void WriteRef(Utf8JsonWriter writer, string app, string record)
    {
        writer.WriteStartObject();
        writer.WriteString("applicationUid", app);
        writer.WriteString("recordUid", record);
        writer.WriteEndObject();
    }
}
