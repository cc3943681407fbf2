using System.Buffers;
using System.Text.Json;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Infrastructure.Tests.Messaging;

/// <summary>
/// The original <c>DispatchMessageWriter</c> (validating writer, values re-written token by token), the reference the
/// optimised writers and the body template are compared with. Its meta is the domain's tailoring rule
/// (<see cref="Dispatch.TailoredMeta"/>), not a copy of it.
/// </summary>
internal static class ReferenceDispatchMessageWriter
{
    public static byte[] Write(OutgoingDispatch dispatch, string serviceName, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var routed = dispatch.Dispatch;
            writer.WriteStartObject();
            writer.WriteStartObject("headers");
            writer.WriteString("name", IDispatchDestinations.RoutingKey(routed.Target.FlowId));
            writer.WriteNumber("createdAt", now.ToUnixTimeMilliseconds());
            writer.WriteString("serviceName", serviceName);
            writer.WriteEndObject();
            writer.WriteStartObject("payload");
            writer.WriteStartObject("meta");
            foreach (var field in routed.TailoredMeta().Fields)
            {
                writer.WritePropertyName(field.Key);
                field.Value.WriteTo(writer);
            }

            writer.WriteEndObject();
            if (routed.Source.Data.ValueKind != JsonValueKind.Undefined)
            {
                writer.WritePropertyName("data");
                routed.Source.Data.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
