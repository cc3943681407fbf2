using System.Text.Json;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>An event on the platform's event bus: <c>{"headers":{"name",…},"payload":{…}}</c> (raw JSON, no envelope).</summary>
public sealed record OihEvent
{
    /// <summary>The event's headers; <c>name</c> is its routing key.</summary>
    public OihEventHeaders? Headers { get; init; }

    /// <summary>The payload: <c>{"meta":{…},"data":{…}}</c> for record events.</summary>
    public JsonElement Payload { get; init; }
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
