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

    private readonly KeyValuePair<string, JsonElement>[] _fields;

    private RecordMeta(KeyValuePair<string, JsonElement>[] fields, RecordRef[] refs)
    {
        _fields = fields;
        Refs = refs;
    }

    /// <summary>Empty metadata.</summary>
    public static RecordMeta Empty { get; } = new([], []);

    /// <summary>The fields other than <c>refs</c>, in their original order.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonElement>> Fields => _fields;

    /// <summary>The parsed <c>refs</c>; entries without string <c>applicationUid</c> and <c>recordUid</c> are ignored.</summary>
    public IReadOnlyList<RecordRef> Refs { get; }

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
        foreach (var reference in Refs)
        {
            if (string.Equals(reference.ApplicationUid, applicationUid.Value, StringComparison.Ordinal))
            {
                return reference.RecordUid;
            }
        }

        return null;
    }

    /// <summary>
    /// The metadata a target app receives: every field except <c>applicationUid</c>, <c>recordUid</c> and
    /// <c>refs</c> in original order, then <c>applicationUid</c> = the target, then <c>recordUid</c> when a ref for
    /// the target exists. This instance is not changed.
    /// </summary>
    public RecordMeta TailorFor(ApplicationUid target, string? recordUid)
    {
        var fields = new List<KeyValuePair<string, JsonElement>>(_fields.Length + 1);
        foreach (var field in _fields)
        {
            if (field.Key is not (ApplicationUidField or RecordUidField))
            {
                fields.Add(field);
            }
        }

        fields.Add(new(ApplicationUidField, JsonSerializer.SerializeToElement(target.Value)));
        if (recordUid is not null)
        {
            fields.Add(new(RecordUidField, JsonSerializer.SerializeToElement(recordUid)));
        }

        return new RecordMeta([.. fields], []);
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
