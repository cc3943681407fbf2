using System.Text.Json;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Application.Ports;

/// <summary>
/// The one parser of the platform's event-bus format, used by the event-bus consumer, <c>POST /events</c> and the
/// preview: <c>{"headers":{"name":"data-hub.record.*"},"payload":{"meta":{"flowId":…},"data":…}}</c>. Every failure is
/// a <see cref="MalformedEventException"/> whose message says precisely what is wrong (the HTTP routes answer it as
/// 400, the consumer sends the event to the error queue with it).
/// </summary>
public interface IRecordEventReader
{
    /// <summary>Reads a message body in the event-bus format; any bytes give an event or a precise reason.</summary>
    RecordEvent Read(ReadOnlySpan<byte> body);

    /// <summary>
    /// Reads a sample event: the event-bus format (an object with <c>headers</c> or <c>payload</c>) or the short form
    /// <c>{"flowId":…,"operation":"CREATE|UPDATE|DELETE","meta":{…},"data":…}</c> (<c>meta</c> and <c>data</c>
    /// optional; <c>flowId</c> is written into the meta, first, when it is missing there).
    /// </summary>
    RecordEvent ReadSample(JsonElement sample);
}
