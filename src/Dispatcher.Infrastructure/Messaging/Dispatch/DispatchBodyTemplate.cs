using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Infrastructure.Messaging.Dispatch;

/// <summary>
/// The wire body of one event's copies, serialized once per event: all copies share everything except
/// <c>headers.name</c> (the routing key), <c>meta.applicationUid</c> and <c>meta.recordUid</c>, so each copy is a
/// splice of the shared bytes and those three strings. The meta follows the domain's tailoring rule
/// (<see cref="Domain.Routing.Dispatch"/>: which fields are kept, the target's fields after them, in that order); the tests
/// compare every body with <see cref="Domain.Routing.Dispatch.TailoredMeta"/>. The only writer of dispatch bodies (both publishers use it; a
/// single copy is a template of one):
/// <c>{"headers":{"name":"&lt;routing key&gt;","createdAt":…,"serviceName":…},"payload":{"meta":{&lt;source fields
/// without applicationUid, recordUid and refs&gt;,"applicationUid":…[,"recordUid":…]}[,"data":…]}}</c>.
/// Immutable once created, so copies may be written from any thread.
/// </summary>
public sealed class DispatchBodyTemplate
{
    // One event's bodies share one array up to this size (below the large object heap's 85,000 bytes).
    private const int MaxSharedBodyBuffer = 64 * 1024;

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

    private static ReadOnlySpan<byte> CreatedAtStart => "\",\"createdAt\":"u8;

    private static ReadOnlySpan<byte> ServiceNameStart => ",\"serviceName\":\""u8;

    private static ReadOnlySpan<byte> MetaStart => "\"},\"payload\":{\"meta\":{"u8;

    private static ReadOnlySpan<byte> DataStart => ",\"data\":"u8;

    private static ReadOnlySpan<byte> End => "}}"u8;

    /// <summary>Serializes the parts of <paramref name="source"/>'s copies that every target shares.</summary>
    public static DispatchBodyTemplate Create(RecordEvent source, string serviceName, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(serviceName);
        Span<byte> createdAtText = stackalloc byte[20];
        createdAt.ToUnixTimeMilliseconds().TryFormat(createdAtText, out var digits, default, CultureInfo.InvariantCulture);
        createdAtText = createdAtText[..digits];

        // First the exact length, so the shared bytes are written once, straight into their array.
        var fields = source.Meta.Fields;
        var length = CreatedAtStart.Length + digits + ServiceNameStart.Length + JsonText.EscapedLength(serviceName) + MetaStart.Length + 1 + End.Length;
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (!Domain.Routing.Dispatch.Keeps(field.Key))
            {
                continue;
            }

            var raw = JsonMarshal.GetRawUtf8Value(field.Value);
            if (!JsonText.IsRawCopyable(field.Value, raw))
            {
                return CreateNormalized(source, serviceName, createdAtText);
            }

            length += 1 + JsonText.EscapedLength(field.Key) + 2 + raw.Length + 1;
        }

        var hasData = source.Data.ValueKind != JsonValueKind.Undefined;
        var data = hasData ? JsonMarshal.GetRawUtf8Value(source.Data) : default;
        if (hasData)
        {
            if (!JsonText.IsRawCopyable(source.Data, data))
            {
                return CreateNormalized(source, serviceName, createdAtText);
            }

            length += DataStart.Length + data.Length;
        }

        var shared = GC.AllocateUninitializedArray<byte>(length);
        var at = Put(CreatedAtStart, shared, 0);
        at = Put(createdAtText, shared, at);
        at = Put(ServiceNameStart, shared, at);
        at += JsonText.WriteEscaped(serviceName, shared.AsSpan(at));
        at = Put(MetaStart, shared, at);
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (!Domain.Routing.Dispatch.Keeps(field.Key))
            {
                continue;
            }

            shared[at++] = (byte)'"';
            at += JsonText.WriteEscaped(field.Key, shared.AsSpan(at));
            shared[at++] = (byte)'"';
            shared[at++] = (byte)':';
            at = Put(JsonMarshal.GetRawUtf8Value(field.Value), shared, at);
            shared[at++] = (byte)',';
        }

        var metaEnd = at;
        shared[at++] = (byte)'}';
        if (hasData)
        {
            at = Put(DataStart, shared, at);
            at = Put(data, shared, at);
        }

        Put(End, shared, at);
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

    // Rare: a value read leniently (comments, trailing commas) cannot be copied raw; written token by token instead.
    private static DispatchBodyTemplate CreateNormalized(RecordEvent source, string serviceName, ReadOnlySpan<byte> createdAtText)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        buffer.Write(CreatedAtStart);
        buffer.Write(createdAtText);
        buffer.Write(ServiceNameStart);
        AppendEscaped(buffer, serviceName);
        buffer.Write(MetaStart);
        var fields = source.Meta.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (!Domain.Routing.Dispatch.Keeps(field.Key))
            {
                continue;
            }

            buffer.Write("\""u8);
            AppendEscaped(buffer, field.Key);
            buffer.Write("\":"u8);
            AppendValue(buffer, field.Value);
            buffer.Write(","u8);
        }

        var metaEnd = buffer.WrittenCount;
        buffer.Write("}"u8);
        if (source.Data.ValueKind != JsonValueKind.Undefined)
        {
            buffer.Write(DataStart);
            AppendValue(buffer, source.Data);
        }

        buffer.Write(End);
        return new DispatchBodyTemplate(source, buffer.WrittenSpan.ToArray(), metaEnd);
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

        using var writer = new Utf8JsonWriter(buffer);
        value.WriteTo(writer);
    }

    /// <summary>
    /// The template's JSON writing without <see cref="Utf8JsonWriter"/>: strings escaped exactly as the writer's default
    /// encoder escapes them (the template's bodies must equal the writer's, byte for byte), and pass-through values copied
    /// raw when that is safe. Nested: only the template writes JSON this way.
    /// </summary>
    internal static class JsonText
    {
        // What Utf8JsonWriter's default encoder leaves as it is: printable ASCII except " & ' + < > \ and `.
        private static readonly SearchValues<char> Unescaped =
            SearchValues.Create(" !#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~");

        private static readonly SearchValues<byte> CloseOrSlash = SearchValues.Create("]}/"u8);

        private static readonly SearchValues<byte> JsonWhitespace = SearchValues.Create(" \t\r\n"u8);

        private static readonly JsonReaderOptions Strict = new() { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

        /// <summary>The length of <paramref name="value"/> escaped for a JSON string (quotes not included).</summary>
        public static int EscapedLength(string value) =>
            value.AsSpan().ContainsAnyExcept(Unescaped) ? JsonEncodedText.Encode(value).EncodedUtf8Bytes.Length : value.Length;

        /// <summary>Writes <paramref name="value"/> escaped (without quotes); returns the bytes written.</summary>
        public static int WriteEscaped(string value, Span<byte> destination)
        {
            if (value.AsSpan().ContainsAnyExcept(Unescaped))
            {
                // Rare (non-ASCII or characters to escape): exactly what the writer would write.
                var encoded = JsonEncodedText.Encode(value).EncodedUtf8Bytes;
                encoded.CopyTo(destination);
                return encoded.Length;
            }

            var status = Ascii.FromUtf16(value, destination, out var written);
            if (status != OperationStatus.Done)
            {
                throw new ArgumentException("The destination is too small.", nameof(destination));
            }

            return written;
        }

        /// <summary>
        /// Whether the raw text of <paramref name="element"/> is strict JSON, so it can be copied verbatim. A value read
        /// leniently (comments, trailing commas: MassTransit's serializer allows both) keeps them in its raw text; such a
        /// value must be written token by token instead. Scalars are single tokens and always qualify.
        /// </summary>
        public static bool IsRawCopyable(JsonElement element, ReadOnlySpan<byte> raw)
        {
            if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                return true;
            }

            if (!MayBeLenient(raw))
            {
                return true;
            }

            // Only suspicious (e.g. a '/' or ", " inside a string, or pretty-printed): check strictly.
            var reader = new Utf8JsonReader(raw, Strict);
            try
            {
                if (!reader.Read())
                {
                    return false;
                }

                reader.Skip();
                return reader.BytesConsumed == raw.Length;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        // A comment needs a '/'; a trailing comma is a ',' right before a closing bracket (whitespace between allowed).
        // Strict JSON has neither outside strings, and values have few closing brackets: one short scan usually settles it.
        private static bool MayBeLenient(ReadOnlySpan<byte> raw)
        {
            var at = raw.IndexOfAny(CloseOrSlash);
            while (at >= 0)
            {
                if (raw[at] == (byte)'/')
                {
                    return true;
                }

                var before = at - 1;
                if (before >= 0 && raw[before] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    before = raw[..before].LastIndexOfAnyExcept(JsonWhitespace);
                }

                if (before >= 0 && raw[before] == (byte)',')
                {
                    return true;
                }

                var next = raw[(at + 1)..].IndexOfAny(CloseOrSlash);
                at = next < 0 ? -1 : at + 1 + next;
            }

            return false;
        }
    }
}
