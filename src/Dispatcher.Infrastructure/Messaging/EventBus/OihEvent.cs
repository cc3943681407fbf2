using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// An event on the platform's event bus, <c>{"headers":{"name",…},"payload":{…}}</c> (raw JSON, no envelope), as the
/// transport hands it to <see cref="OihEventConsumer"/>: read leniently by
/// <see cref="OihEventReader.Parse(ReadOnlySpan{byte}, out JsonElement)"/>, turned into a domain event by
/// <see cref="OihEventReader.Read(OihEvent)"/>. Data only.
/// </summary>
public sealed record OihEvent
{
    /// <summary>The event name (<c>headers.name</c>, e.g. <c>data-hub.record.updated</c>): its routing key.</summary>
    public string? Name { get; init; }

    /// <summary>The payload: <c>{"meta":{…},"data":{…}}</c> for record events.</summary>
    public JsonElement Payload { get; init; }

    /// <summary>
    /// Why the message body is not an event-bus event at all (not JSON, not an object, headers of the wrong type), or
    /// null. Set by <see cref="OihEventReader.Parse(ReadOnlySpan{byte}, out JsonElement)"/>;
    /// <see cref="OihEventReader.Read(OihEvent)"/> turns it into the failure reason.
    /// </summary>
    [JsonIgnore]
    public string? MalformedReason { get; init; }
}
