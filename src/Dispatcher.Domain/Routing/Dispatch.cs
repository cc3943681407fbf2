using System.Buffers;
using System.Text.Json;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Routing;

/// <summary>
/// A copy of <see cref="Source"/> tailored to <see cref="Target"/>, and the tailoring rule that says what such a copy
/// carries (the one definition; the preview, the contract notifier and the wire writer, which splices the same fields
/// into its bytes, all follow it):
/// <list type="number">
/// <item>Every source meta field except <c>applicationUid</c> and <c>recordUid</c> is kept, unchanged and in its
/// original order (<see cref="Keeps"/>); <c>refs</c> is not sent.</item>
/// <item>Then <c>applicationUid</c> = the target app's uid.</item>
/// <item>Then <c>recordUid</c> = the record's id in the target app from <c>refs</c> (<see cref="RecordUidFor"/>),
/// left out when the target has no ref.</item>
/// <item>The data passes through unchanged; the event itself is never changed.</item>
/// </list>
/// Cheap to create: the tailored metadata is computed on demand by <see cref="TailoredMeta"/>, so routing itself
/// allocates no copies.
/// </summary>
public readonly struct Dispatch
{
    /// <summary>Creates the dispatch of <paramref name="source"/> to <paramref name="target"/>.</summary>
    public Dispatch(RecordEvent source, RouteTarget target)
    {
        Source = source;
        Target = target;
        RecordUid = RecordUidFor(source.Meta, target.ApplicationUid);
    }

    /// <summary>The event being dispatched (never changed).</summary>
    public RecordEvent Source { get; }

    /// <summary>Where the copy goes.</summary>
    public RouteTarget Target { get; }

    /// <summary>The record's id in the target app (<see cref="RecordUidFor"/>), or null when the target has none yet.</summary>
    public string? RecordUid { get; }

    /// <summary>The metadata the target receives (<see cref="Tailor"/>).</summary>
    public RecordMeta TailoredMeta() => Tailor(Source.Meta, Target.ApplicationUid, RecordUid);

    /// <summary>True when a copy keeps the source meta field <paramref name="fieldName"/> unchanged.</summary>
    public static bool Keeps(string fieldName) =>
        fieldName is not (RecordMeta.ApplicationUidField or RecordMeta.RecordUidField or RecordMeta.RefsField);

    /// <summary>The record's id in <paramref name="target"/> according to <paramref name="source"/>'s refs, or null.</summary>
    public static string? RecordUidFor(RecordMeta source, ApplicationUid target)
    {
        ArgumentNullException.ThrowIfNull(source);
        var index = source.RefIndex(target.Value);
        return index >= 0 ? source.RefRecordUid(index) : null;
    }

    /// <summary>
    /// The metadata <paramref name="target"/> receives: the kept fields of <paramref name="source"/>, then
    /// <c>applicationUid</c>, then <c>recordUid</c> unless <paramref name="recordUid"/> is null. <paramref name="source"/>
    /// is not changed.
    /// </summary>
    public static RecordMeta Tailor(RecordMeta source, ApplicationUid target, string? recordUid)
    {
        ArgumentNullException.ThrowIfNull(source);
        var sourceFields = source.FieldSpan;
        var kept = 0;
        foreach (var field in sourceFields)
        {
            if (Keeps(field.Key))
            {
                kept++;
            }
        }

        var fields = new KeyValuePair<string, JsonElement>[kept + (recordUid is null ? 1 : 2)];
        var next = 0;
        foreach (var field in sourceFields)
        {
            if (Keeps(field.Key))
            {
                fields[next++] = field;
            }
        }

        fields[next++] = new(RecordMeta.ApplicationUidField, StringElement(target.Value));
        if (recordUid is not null)
        {
            fields[next] = new(RecordMeta.RecordUidField, RecordUidElement(source, target.Value, recordUid));
        }

        return RecordMeta.FromTailoredFields(fields);
    }

    // The usual record uid is the target's ref: its element is shared by all copies of the event.
    private static JsonElement RecordUidElement(RecordMeta source, string applicationUid, string recordUid)
    {
        var index = source.RefIndex(applicationUid);
        return index >= 0 && string.Equals(source.RefRecordUid(index), recordUid, StringComparison.Ordinal)
            ? source.RefRecordUidElement(index)
            : StringElement(recordUid);
    }

    private static JsonElement StringElement(string value)
    {
        var encoded = JsonEncodedText.Encode(value);
        var length = encoded.EncodedUtf8Bytes.Length + 2;
        byte[]? rented = null;
        var json = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            json[0] = (byte)'"';
            encoded.EncodedUtf8Bytes.CopyTo(json[1..]);
            json[length - 1] = (byte)'"';
            var reader = new Utf8JsonReader(json[..length]);
            return JsonElement.ParseValue(ref reader);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
