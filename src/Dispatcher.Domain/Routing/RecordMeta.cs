using System.Buffers;
using System.Text.Json;

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

    private readonly KeyValuePair<string, JsonElement>[] _fields;
    private readonly RecordRef[] _refs;

    // The refs' record uids as string elements (same order as _refs), built when the first copy is tailored (see Dispatch.Tailor).
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

    /// <summary>The fields as a span (no interface calls: tailoring reads them for every copy).</summary>
    internal ReadOnlySpan<KeyValuePair<string, JsonElement>> FieldSpan => _fields;

    /// <summary>The record uid of <see cref="Refs"/>[<paramref name="index"/>].</summary>
    internal string RefRecordUid(int index) => _refs[index].RecordUid;

    /// <summary>Metadata made of <paramref name="fields"/> as they are (already cloned), without refs.</summary>
    internal static RecordMeta FromTailoredFields(KeyValuePair<string, JsonElement>[] fields) => new(fields, []);

    /// <summary>The index in <see cref="Refs"/> of <paramref name="applicationUid"/>'s entry, or −1.</summary>
    internal int RefIndex(string applicationUid)
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

    /// <summary>The record uid of <see cref="Refs"/>[<paramref name="index"/>] as a string element, shared by every copy of the event.</summary>
    internal JsonElement RefRecordUidElement(int index) => (_refRecordUids ??= RefRecordUidElements())[index];

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

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        var root = JsonElement.ParseValue(ref reader);
        var elements = new JsonElement[_refs.Length];
        var i = 0;
        foreach (var element in root.EnumerateArray())
        {
            elements[i++] = element;
        }

        return elements;
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
