using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>An event on the platform's event bus: <c>{"headers":{"name",…},"payload":{…}}</c> (raw JSON, no envelope).</summary>
public sealed record OihEvent
{
    /// <summary>The event's headers; <c>name</c> is its routing key.</summary>
    public OihEventHeaders? Headers { get; init; }

    /// <summary>The payload: <c>{"meta":{…},"data":{…}}</c> for record events.</summary>
    public JsonElement Payload { get; init; }

    /// <summary>
    /// Why the message body is not an event-bus event at all (not JSON, not an object, headers of the wrong type), or
    /// null. Set by <see cref="Parse(ReadOnlySpan{byte})"/>; <see cref="OihEventReader.Read(OihEvent)"/> turns it into the failure reason.
    /// </summary>
    [JsonIgnore]
    public string? MalformedReason { get; init; }

    /// <summary>
    /// Reads a message body leniently: never throws. A body that is not an event-bus event gives an event whose
    /// <see cref="MalformedReason"/> says why, so the consumer can fail it with that reason (error queue, no retry)
    /// instead of the transport failing it with a serializer message.
    /// </summary>
    public static OihEvent Parse(ReadOnlySpan<byte> body) => Parse(body, out _);

    /// <summary>Like <see cref="Parse(ReadOnlySpan{byte})"/>; also gives the body's JSON (undefined when it is not JSON).</summary>
    public static OihEvent Parse(ReadOnlySpan<byte> body, out JsonElement json)
    {
        json = default;
        const string Expected = """an event-bus event {"headers":{"name":…},"payload":{…}}""";
        if (body.IsEmpty)
        {
            return Malformed($"The message body is empty: expected {Expected}.");
        }

        JsonElement root;
        try
        {
            root = JsonSerializer.Deserialize<JsonElement>(body);
            json = root;
        }
        catch (JsonException e)
        {
            return Malformed($"The message body is not valid JSON ({e.Message}): expected {Expected}.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Malformed($"The message body is a JSON {Kind(root)}, not an object: expected {Expected}.");
        }

        OihEventHeaders? headers = null;
        if (TryGet(root, "headers", out var h) && h.ValueKind != JsonValueKind.Null)
        {
            if (h.ValueKind != JsonValueKind.Object)
            {
                return Malformed($"'headers' is a JSON {Kind(h)}, not an object: expected {Expected}.");
            }

            string? name = null;
            if (TryGet(h, "name", out var n) && n.ValueKind != JsonValueKind.Null)
            {
                name = n.ValueKind == JsonValueKind.String
                    ? n.GetString()
                    : null;
                if (name is null)
                {
                    return Malformed($"'headers.name' is a JSON {Kind(n)}, not a string: the event name is unknown.");
                }
            }

            headers = new OihEventHeaders
            {
                Name = name,
                CreatedAt = TryGet(h, "createdAt", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt64(out var ms) ? ms : null,
                ServiceName = TryGet(h, "serviceName", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null,
            };
        }

        return new OihEvent { Headers = headers, Payload = TryGet(root, "payload", out var payload) ? payload : default };
    }

    private static OihEvent Malformed(string reason) => new() { MalformedReason = reason };

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString().ToLowerInvariant(),
    };

    // The platform writes lower-case names; other casings were accepted before (MassTransit's options) and still are.
    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}

/// <summary>The headers of an event-bus event.</summary>
public sealed record OihEventHeaders
{
    /// <summary>The event name, e.g. <c>data-hub.record.updated</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Milliseconds since the epoch when the event was created.</summary>
    public long? CreatedAt { get; init; }

    /// <summary>The publishing service.</summary>
    public string? ServiceName { get; init; }
}
