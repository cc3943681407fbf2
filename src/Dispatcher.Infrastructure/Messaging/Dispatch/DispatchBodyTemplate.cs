using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Infrastructure.Messaging.Dispatch;

/// <summary>
/// The wire body of one event's copies, serialized once per event: all copies share everything except
/// <c>headers.name</c> (the routing key), <c>meta.applicationUid</c> and <c>meta.recordUid</c>, so each copy is a
/// splice of the shared bytes and those three strings. Produces exactly the JSON of
/// <see cref="DispatchMessageWriter"/> (same keys, order and values):
/// <c>{"headers":{"name":"&lt;routing key&gt;","createdAt":…,"serviceName":…},"payload":{"meta":{&lt;source fields
/// without applicationUid, recordUid and refs&gt;,"applicationUid":…[,"recordUid":…]}[,"data":…]}}</c>.
/// Immutable once created, so copies may be written from any thread.
/// </summary>
public sealed class DispatchBodyTemplate
{
    private const int MaxRetainedScratch = 64 * 1024;

    // One event's bodies share one array up to this size (below the large object heap's 85,000 bytes).
    private const int MaxSharedBodyBuffer = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    // [0, _metaEnd): "createdAt" … the meta's shared fields, each followed by ','; [_metaEnd, end): the rest.
    private readonly byte[] _shared;
    private readonly int _metaEnd;

    private DispatchBodyTemplate(RecordEvent source, byte[] shared, int metaEnd)
    {
        Source = source;
        _shared = shared;
        _metaEnd = metaEnd;
    }

    /// <summary>The event whose copies this template writes.</summary>
    public RecordEvent Source { get; }

    private static ReadOnlySpan<byte> Start => "{\"headers\":{\"name\":\""u8;

    private static ReadOnlySpan<byte> ApplicationUidStart => "\"applicationUid\":\""u8;

    private static ReadOnlySpan<byte> RecordUidStart => "\",\"recordUid\":\""u8;

    /// <summary>Serializes the parts of <paramref name="source"/>'s copies that every target shares.</summary>
    public static DispatchBodyTemplate Create(RecordEvent source, string serviceName, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(serviceName);
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(2048);
        scratch.ResetWrittenCount();
        Append(scratch, "\",\"createdAt\":"u8);
        var digits = scratch.GetSpan(20);
        createdAt.ToUnixTimeMilliseconds().TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        scratch.Advance(written);
        Append(scratch, ",\"serviceName\":\""u8);
        AppendEscaped(scratch, serviceName);
        Append(scratch, "\"},\"payload\":{\"meta\":{"u8);
        var fields = source.Meta.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field.Key is RecordMeta.ApplicationUidField or RecordMeta.RecordUidField)
            {
                continue;
            }

            Append(scratch, "\""u8);
            AppendEscaped(scratch, field.Key);
            Append(scratch, "\":"u8);
            AppendValue(scratch, field.Value);
            Append(scratch, ","u8);
        }

        var metaEnd = scratch.WrittenCount;
        Append(scratch, "}"u8);
        if (source.Data.ValueKind != JsonValueKind.Undefined)
        {
            Append(scratch, ",\"data\":"u8);
            AppendValue(scratch, source.Data);
        }

        Append(scratch, "}}"u8);
        var shared = scratch.WrittenSpan.ToArray();
        if (scratch.Capacity > MaxRetainedScratch)
        {
            t_scratch = null;
        }

        return new DispatchBodyTemplate(source, shared, metaEnd);
    }

    /// <summary>
    /// The bodies of <paramref name="dispatches"/> (normally the copies of one event, as the publishers get them): the
    /// shared parts serialized once, all copies in one new array, as slices of it (a GC array, so it lives as long as
    /// a publish still needs it). Copies of other events get templates of their own.
    /// </summary>
    public static ReadOnlyMemory<byte>[] WriteBodies(IReadOnlyList<OutgoingDispatch> dispatches, string serviceName, DateTimeOffset now)
    {
        if (dispatches.Count == 0)
        {
            return [];
        }

        var template = Create(dispatches[0].Dispatch.Source, serviceName, now);
        var bodies = new ReadOnlyMemory<byte>[dispatches.Count];
        var total = 0L;
        for (var i = 0; i < dispatches.Count; i++)
        {
            if (!ReferenceEquals(dispatches[i].Dispatch.Source, template.Source))
            {
                // Not the handler's case (one event per call), but allowed: a template per copy.
                for (var j = 0; j < dispatches.Count; j++)
                {
                    bodies[j] = Create(dispatches[j].Dispatch.Source, serviceName, now).Write(dispatches[j]);
                }

                return bodies;
            }

            total += template.GetLength(dispatches[i]);
        }

        if (total > MaxSharedBodyBuffer)
        {
            // Large records: an array per copy keeps them out of the large object heap where possible.
            for (var i = 0; i < dispatches.Count; i++)
            {
                bodies[i] = template.Write(dispatches[i]);
            }

            return bodies;
        }

        var buffer = new byte[total];
        var at = 0;
        for (var i = 0; i < dispatches.Count; i++)
        {
            var length = template.Write(dispatches[i], buffer.AsSpan(at));
            bodies[i] = buffer.AsMemory(at, length);
            at += length;
        }

        return bodies;
    }

    /// <summary>The body length of <paramref name="dispatch"/> (a copy of <see cref="Source"/>).</summary>
    public int GetLength(OutgoingDispatch dispatch)
    {
        var routed = CopyOf(dispatch);
        return GetLength(dispatch.RoutingKey, routed.Target.ApplicationUid.Value, routed.RecordUid);
    }

    /// <summary>Writes the body of <paramref name="dispatch"/> (a copy of <see cref="Source"/>); returns its length.</summary>
    public int Write(OutgoingDispatch dispatch, Span<byte> destination)
    {
        var routed = CopyOf(dispatch);
        return Write(dispatch.RoutingKey, routed.Target.ApplicationUid.Value, routed.RecordUid, destination);
    }

    /// <summary>The body of <paramref name="dispatch"/> (a copy of <see cref="Source"/>) in a new array.</summary>
    public byte[] Write(OutgoingDispatch dispatch)
    {
        var routed = CopyOf(dispatch);
        var applicationUid = routed.Target.ApplicationUid.Value;
        var body = new byte[GetLength(dispatch.RoutingKey, applicationUid, routed.RecordUid)];
        Write(dispatch.RoutingKey, applicationUid, routed.RecordUid, body);
        return body;
    }

    /// <summary>The body length of the copy for <paramref name="routingKey"/>, <paramref name="applicationUid"/> and <paramref name="recordUid"/>.</summary>
    public int GetLength(string routingKey, string applicationUid, string? recordUid)
    {
        var length = Start.Length + JsonText.EscapedLength(routingKey) + _shared.Length
            + ApplicationUidStart.Length + JsonText.EscapedLength(applicationUid) + 1;
        return recordUid is null ? length : length + RecordUidStart.Length + JsonText.EscapedLength(recordUid);
    }

    /// <summary>
    /// Writes the body of the copy for <paramref name="routingKey"/>, <paramref name="applicationUid"/> and
    /// <paramref name="recordUid"/> (<c>meta.recordUid</c> is left out when null) to <paramref name="destination"/>,
    /// which must hold <see cref="GetLength(string, string, string?)"/> bytes; returns the bytes written.
    /// </summary>
    public int Write(string routingKey, string applicationUid, string? recordUid, Span<byte> destination)
    {
        var at = Put(Start, destination, 0);
        at += JsonText.WriteEscaped(routingKey, destination[at..]);
        at = Put(_shared.AsSpan(0, _metaEnd), destination, at);
        at = Put(ApplicationUidStart, destination, at);
        at += JsonText.WriteEscaped(applicationUid, destination[at..]);
        if (recordUid is not null)
        {
            at = Put(RecordUidStart, destination, at);
            at += JsonText.WriteEscaped(recordUid, destination[at..]);
        }

        destination[at++] = (byte)'"';
        return Put(_shared.AsSpan(_metaEnd), destination, at);
    }

    private Domain.Routing.Dispatch CopyOf(OutgoingDispatch dispatch)
    {
        var routed = dispatch.Dispatch;
        if (!ReferenceEquals(routed.Source, Source))
        {
            throw new ArgumentException("The dispatch is a copy of another event than the template's.", nameof(dispatch));
        }

        return routed;
    }

    private static int Put(ReadOnlySpan<byte> bytes, Span<byte> destination, int at)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

    private static void AppendEscaped(ArrayBufferWriter<byte> buffer, string value)
    {
        var span = buffer.GetSpan(JsonText.EscapedLength(value));
        buffer.Advance(JsonText.WriteEscaped(value, span));
    }

    private static void AppendValue(ArrayBufferWriter<byte> buffer, JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (JsonText.IsRawCopyable(value, raw))
        {
            buffer.Write(raw);
            return;
        }

        // Read leniently (comments, trailing commas): written token by token, as the writer would.
        using var writer = new Utf8JsonWriter(buffer);
        value.WriteTo(writer);
    }
}
