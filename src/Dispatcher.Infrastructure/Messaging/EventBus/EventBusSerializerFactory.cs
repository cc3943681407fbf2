using System.Diagnostics.CodeAnalysis;
using System.Net.Mime;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// Serialization of the event-bus endpoint: raw JSON out (MassTransit's raw serializer), and in, a deserializer that
/// never fails. MassTransit's raw JSON deserializer fails a body that is not JSON, not an object or of the wrong shape
/// before any consumer runs, with a serializer message as the reason ("Operation is not valid due to the current state
/// of the object." for <c>null</c>), and for some shapes only after retries. Here every body becomes an
/// <see cref="OihEvent"/> (<see cref="OihEventReader.Parse(ReadOnlySpan{byte}, out JsonElement)"/>); one that is not an event
/// carries the reason, and <see cref="OihEventReader.Read(OihEvent)"/> fails it as a
/// <see cref="Application.Common.Errors.MalformedEventException"/>: error queue at once, with that reason, never
/// retried, never dropped.
/// </summary>
public sealed class EventBusSerializerFactory : ISerializerFactory
{
    private const RawSerializerOptions RawOptions = RawSerializerOptions.AnyMessageType;
    private static readonly JsonElement EmptyObject = JsonSerializer.Deserialize<JsonElement>("{}"u8);

    /// <summary>The content type the ecosystem's events are read as (they carry none).</summary>
    public static readonly ContentType JsonContentType = new("application/json");

    public ContentType ContentType => JsonContentType;

    public IMessageSerializer CreateSerializer() => new SystemTextJsonRawMessageSerializer(RawOptions);

    public IMessageDeserializer CreateDeserializer() => new Deserializer();

    private sealed class Deserializer : IMessageDeserializer
    {
        public ContentType ContentType => JsonContentType;

        public void Probe(ProbeContext context)
        {
            var scope = context.CreateScope("json");
            scope.Add("contentType", ContentType.MediaType);
            scope.Add("provider", "System.Text.Json (event bus, lenient)");
        }

        public ConsumeContext Deserialize(ReceiveContext receiveContext) =>
            new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));

        public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
        {
            var oihEvent = OihEventReader.Parse(body.GetBytes(), out var json);
            return new EventBusSerializerContext(
                new RawMessageContext(headers, destinationAddress, RawOptions), headers.GetMessageTypes(), oihEvent,
                json.ValueKind == JsonValueKind.Undefined ? EmptyObject : json);
        }

        public MessageBody GetMessageBody(string text) => new StringMessageBody(text);
    }

    /// <summary>Hands out the leniently read event; any other type is read from it by MassTransit as usual.</summary>
    private sealed class EventBusSerializerContext(MessageContext messageContext, string[] messageTypes, OihEvent oihEvent, JsonElement json)
        : SystemTextJsonRawSerializerContext(
            SystemTextJsonMessageSerializer.Instance, SystemTextJsonMessageSerializer.Options, JsonContentType, messageContext,
            messageTypes, RawOptions, json)
    {
        public override bool TryGetMessage<T>([NotNullWhen(true)] out T? message)
            where T : class
        {
            if (typeof(T) == typeof(OihEvent))
            {
                message = (T)(object)oihEvent;
                return true;
            }

            return base.TryGetMessage(out message);
        }
    }
}
