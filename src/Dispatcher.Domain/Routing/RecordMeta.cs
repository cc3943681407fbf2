using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Routing;

/// <summary>
/// The metadata of a record event: an ordered, immutable set of JSON fields, with <c>refs</c> parsed out.
/// Fields the dispatcher does not know pass through untouched.
/// </summary>
public sealed class RecordMeta
{
    /// <summary>Name of the field holding the app the record belongs to.</summary>
    public const string ApplicationUidField = "applicationUid";

    /// <summary>Name of the field holding the record's id in that app.</summary>
    public const string RecordUidField = "recordUid";

    /// <summary>Name of the field holding the record's ids in other apps.</summary>
    public const string RefsField = "refs";

    /// <summary>Name of the field holding the source flow.</summary>
    public const string FlowIdField = "flowId";

    // String elements of target app uids, built once per uid instance (routing targets are long-lived); weak, so a
    // rebuilt routing table's strings take theirs with them.
    private static readonly ConditionalWeakTable<string, StrongBox<JsonElement>> AppUidElements = new();

    private readonly KeyValuePair<string, JsonElement>[] _fields;
    private readonly RecordRef[] _refs;

    // The refs' record uids as string elements (same order as _refs), built on the first TailorFor.
    private JsonElement[]? _refRecordUids;

    private RecordMeta(KeyValuePair<string, JsonElement>[] fields, RecordRef[] refs)
    {
        _fields = fields;
        _refs = refs;
    }

    /// <summary>Empty metadata.</summary>
    public static RecordMeta Empty { get; } = new([], []);

    /// <summary>The fields other than <c>refs</c>, in their original order.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonElement>> Fields => _fields;

    /// <summary>The parsed <c>refs</c>; entries without string <c>applicationUid</c> and <c>recordUid</c> are ignored.</summary>
    public IReadOnlyList<RecordRef> Refs => _refs;

    /// <summary>
    /// Reads metadata from a JSON object. The values are cloned, so the result does not depend on the document's
    /// lifetime. A non-object gives <see cref="Empty"/>.
    /// </summary>
    public static RecordMeta FromJson(JsonElement meta)
    {
        if (meta.ValueKind != JsonValueKind.Object)
        {
            return Empty;
        }

        var fields = new List<KeyValuePair<string, JsonElement>>();
        RecordRef[] refs = [];
        foreach (var property in meta.EnumerateObject())
        {
            if (property.NameEquals(RefsField))
            {
                refs = ParseRefs(property.Value);
                continue;
            }

            fields.Add(new(property.Name, property.Value.Clone()));
        }

        return new RecordMeta([.. fields], refs);
    }

    /// <summary>Builds metadata from fields and refs (mainly for tests and other producers).</summary>
    public static RecordMeta Create(IEnumerable<KeyValuePair<string, JsonElement>> fields, IEnumerable<RecordRef>? refs = null) =>
        new(fields.Where(f => f.Key != RefsField).Select(f => new KeyValuePair<string, JsonElement>(f.Key, f.Value.Clone())).ToArray(),
            refs?.ToArray() ?? []);

    /// <summary>The value of a string field, or null when absent or not a string.</summary>
    public string? GetString(string name)
    {
        foreach (var field in _fields)
        {
            if (field.Key == name)
            {
                return field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : null;
            }
        }

        return null;
    }

    /// <summary>The record's id in <paramref name="applicationUid"/> according to <see cref="Refs"/>, or null.</summary>
    public string? RecordUidFor(ApplicationUid applicationUid)
    {
        var index = RefIndex(applicationUid.Value);
        return index >= 0 ? _refs[index].RecordUid : null;
    }

    /// <summary>
    /// The metadata a target app receives: every field except <c>applicationUid</c>, <c>recordUid</c> and
    /// <c>refs</c> in original order, then <c>applicationUid</c> = the target, then <c>recordUid</c> when a ref for
    /// the target exists. This instance is not changed.
    /// </summary>
    public RecordMeta TailorFor(ApplicationUid target, string? recordUid)
    {
        var kept = 0;
        foreach (var field in _fields)
        {
            if (field.Key is not (ApplicationUidField or RecordUidField))
            {
                kept++;
            }
        }

        var fields = new KeyValuePair<string, JsonElement>[kept + (recordUid is null ? 1 : 2)];
        var next = 0;
        foreach (var field in _fields)
        {
            if (field.Key is not (ApplicationUidField or RecordUidField))
            {
                fields[next++] = field;
            }
        }

        fields[next++] = new(ApplicationUidField, AppUidElement(target.Value));
        if (recordUid is not null)
        {
            fields[next] = new(RecordUidField, RecordUidElement(target.Value, recordUid));
        }

        return new RecordMeta(fields, []);
    }

    private int RefIndex(string applicationUid)
    {
        var refs = _refs;
        for (var i = 0; i < refs.Length; i++)
        {
            if (string.Equals(refs[i].ApplicationUid, applicationUid, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static JsonElement AppUidElement(string applicationUid) =>
        AppUidElements.GetValue(applicationUid, static uid => new StrongBox<JsonElement>(StringElement(uid))).Value;

    // The usual record uid is the target's ref: its element is shared by all copies of this event.
    private JsonElement RecordUidElement(string applicationUid, string recordUid)
    {
        var index = RefIndex(applicationUid);
        if (index < 0 || !string.Equals(_refs[index].RecordUid, recordUid, StringComparison.Ordinal))
        {
            return StringElement(recordUid);
        }

        var elements = _refRecordUids ??= RefRecordUidElements();
        return elements[index];
    }

    private JsonElement[] RefRecordUidElements()
    {
        // One small document for all of them: ["uid1","uid2",…].
        var buffer = new ArrayBufferWriter<byte>(16 + (_refs.Length * 32));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var reference in _refs)
            {
                writer.WriteStringValue(reference.RecordUid);
            }

            writer.WriteEndArray();
        }

        var root = ParseValue(buffer.WrittenSpan);
        var elements = new JsonElement[_refs.Length];
        var i = 0;
        foreach (var element in root.EnumerateArray())
        {
            elements[i++] = element;
        }

        return elements;
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
            return ParseValue(json[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // Copies the JSON into a document of its own that needs no disposal.
    private static JsonElement ParseValue(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonElement.ParseValue(ref reader);
    }

    private static RecordRef[] ParseRefs(JsonElement refs)
    {
        if (refs.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var result = new List<RecordRef>();
        foreach (var item in refs.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object
                && item.TryGetProperty(ApplicationUidField, out var app) && app.ValueKind == JsonValueKind.String
                && item.TryGetProperty(RecordUidField, out var record) && record.ValueKind == JsonValueKind.String)
            {
                result.Add(new RecordRef(app.GetString()!, record.GetString()!));
            }
        }

        return [.. result];
    }
}
