using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// Turns an event-bus record event into a domain <see cref="RecordEvent"/>, or says precisely why it cannot: the one
/// reader of the bus format, for the consumer (<see cref="Read(OihEvent)"/>, after the transport's
/// <see cref="OihEvent.Parse(ReadOnlySpan{byte})"/>) and, through <see cref="IRecordEventReader"/>, for
/// <c>POST /events</c> and the preview.
/// </summary>
public sealed class OihEventReader(MessagingOptions options) : IRecordEventReader
{
    public RecordEvent Read(ReadOnlySpan<byte> body) => Read(OihEvent.Parse(body));

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

        var name = oihEvent.Headers?.Name;
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
