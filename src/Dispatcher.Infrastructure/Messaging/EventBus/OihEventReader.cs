using System.Text.Json;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>Turns an event-bus record event into a domain <see cref="RecordEvent"/>, or says precisely why it cannot.</summary>
public sealed class OihEventReader(MessagingOptions options)
{
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
}
