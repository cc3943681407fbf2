using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// Turns an event-bus record event into a domain <see cref="RecordEvent"/>, or says precisely why it cannot. The one
/// reader of the bus format: for the consumer in two steps (the transport's lenient
/// <see cref="Parse(ReadOnlySpan{byte}, out JsonElement)"/> into an <see cref="OihEvent"/>, then
/// <see cref="Read(OihEvent)"/>) and, through <see cref="IRecordEventReader"/>, for <c>POST /events</c> and the
/// preview (both steps at once).
/// </summary>
public sealed class OihEventReader(MessagingOptions options) : IRecordEventReader
{
    public RecordEvent Read(ReadOnlySpan<byte> body) => Read(Parse(body));

    public RecordEvent ReadSample(JsonElement sample)
    {
        if (sample.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedEventException("The sample event must be a JSON object.");
        }

        return sample.TryGetProperty("payload", out _) || sample.TryGetProperty("headers", out _)
            ? Read(JsonSerializer.SerializeToUtf8Bytes(sample))
            : ReadShortForm(sample);
    }

    /// <summary>Reads <paramref name="oihEvent"/>; throws <see cref="MalformedEventException"/> with the reason.</summary>
    public RecordEvent Read(OihEvent oihEvent)
    {
        if (oihEvent.MalformedReason is { } reason)
        {
            throw new MalformedEventException(reason);
        }

        var name = oihEvent.Name;
        var operation = OperationOf(name)
            ?? throw new MalformedEventException(
                $"Unknown event name '{name}': expected {options.CreatedEvent}, {options.UpdatedEvent} or {options.DeletedEvent}.");
        var payload = oihEvent.Payload;
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedEventException("The event has no payload object.");
        }

        if (!payload.TryGetProperty("meta", out var meta) || meta.ValueKind != JsonValueKind.Object)
        {
            throw new MalformedEventException("The payload has no 'meta' object.");
        }

        if (!meta.TryGetProperty(RecordMeta.FlowIdField, out var flowIdElement) || flowIdElement.ValueKind != JsonValueKind.String)
        {
            throw new MalformedEventException("The payload has no 'meta.flowId' string: the source flow is unknown.");
        }

        if (!FlowId.TryParse(flowIdElement.GetString(), out var flowId))
        {
            throw new MalformedEventException($"'meta.flowId' is not a valid flow id: '{flowIdElement.GetString()}'.");
        }

        var data = payload.TryGetProperty("data", out var d) ? d.Clone() : default;
        return new RecordEvent(flowId, operation, RecordMeta.FromJson(meta), data);
    }

    /// <summary>The operation an event name stands for, or null.</summary>
    public Operation? OperationOf(string? eventName) =>
        eventName == options.CreatedEvent ? Operation.Create
        : eventName == options.UpdatedEvent ? Operation.Update
        : eventName == options.DeletedEvent ? Operation.Delete
        : null;

    /// <summary>The ordering key of an event: its record (oihUid), else source flow and recordUid.</summary>
    public static string PartitionKey(OihEvent oihEvent)
    {
        var payload = oihEvent.Payload;
        if (payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object)
        {
            if (meta.TryGetProperty("oihUid", out var oihUid) && oihUid.ValueKind == JsonValueKind.String)
            {
                return oihUid.GetString()!;
            }

            var flow = meta.TryGetProperty(RecordMeta.FlowIdField, out var f) ? f.ToString() : string.Empty;
            var record = meta.TryGetProperty(RecordMeta.RecordUidField, out var r) ? r.ToString() : string.Empty;
            return $"{flow}/{record}";
        }

        return string.Empty;
    }

    /// <summary>Like <see cref="Parse(ReadOnlySpan{byte}, out JsonElement)"/>, without the body's JSON.</summary>
    public static OihEvent Parse(ReadOnlySpan<byte> body) => Parse(body, out _);

    /// <summary>
    /// Reads a message body leniently (the transport's step, see <see cref="EventBusSerializerFactory"/>): never throws.
    /// A body that is not an event-bus event gives an event whose <see cref="OihEvent.MalformedReason"/> says why, so
    /// the consumer can fail it with that reason (error queue, no retry) instead of the transport failing it with a
    /// serializer message. <paramref name="json"/> is the body's JSON (undefined when it is not JSON).
    /// </summary>
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

        string? name = null;
        if (TryGet(root, "headers", out var h) && h.ValueKind != JsonValueKind.Null)
        {
            if (h.ValueKind != JsonValueKind.Object)
            {
                return Malformed($"'headers' is a JSON {Kind(h)}, not an object: expected {Expected}.");
            }

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
        }

        return new OihEvent { Name = name, Payload = TryGet(root, "payload", out var payload) ? payload : default };
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

    /// <summary>The short form <c>{"flowId","operation","meta","data"}</c> of a sample event.</summary>
    private static RecordEvent ReadShortForm(JsonElement body)
    {
        var flowText = body.TryGetProperty("flowId", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        var meta = body.TryGetProperty("meta", out var m) ? m : default;
        if (meta.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
        {
            throw new MalformedEventException("'meta' must be an object.");
        }

        var metaFlow = meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty(RecordMeta.FlowIdField, out var mf) && mf.ValueKind == JsonValueKind.String
            ? mf.GetString()
            : null;
        if (flowText is not null && metaFlow is not null && flowText != metaFlow)
        {
            throw new MalformedEventException($"'flowId' ({flowText}) and 'meta.flowId' ({metaFlow}) differ.");
        }

        flowText ??= metaFlow;
        if (flowText is null)
        {
            throw new MalformedEventException(
                "The sample event names no source flow: give 'flowId' (short form) or 'payload.meta.flowId' with 'headers.name' (event-bus form).");
        }

        if (!FlowId.TryParse(flowText, out var flowId))
        {
            throw new MalformedEventException($"'flowId' is not a valid flow id: '{flowText}'.");
        }

        var operationText = body.TryGetProperty("operation", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        if (!OperationNames.TryParse(operationText, out var operation))
        {
            throw new MalformedEventException($"'operation' must be CREATE, UPDATE or DELETE, got '{operationText}'.");
        }

        var data = body.TryGetProperty("data", out var d) ? d.Clone() : default;
        return new RecordEvent(flowId, operation, RecordMeta.FromJson(WithFlowId(meta, flowId)), data);
    }

    /// <summary>The meta with <c>flowId</c> in it (first, when it was missing), as the event bus would carry it.</summary>
    private static JsonElement WithFlowId(JsonElement meta, FlowId flowId)
    {
        var node = meta.ValueKind == JsonValueKind.Object
            ? JsonObject.Create(meta)!
            : [];
        if (!node.ContainsKey(RecordMeta.FlowIdField))
        {
            node.Insert(0, RecordMeta.FlowIdField, flowId.Value);
        }

        return JsonSerializer.SerializeToElement(node);
    }
}
