using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Testing;

/// <summary>
/// Creates <see cref="RecordChanged"/> messages whose ids are reproducible: the n-th message of a factory has the
/// event id <see cref="EventIdFor"/>(seed, n), so two runs of a test (or two factories with the same seed) create
/// equal messages, and the dispatcher's deterministic dispatch ids follow. Thread-safe.
/// </summary>
/// <example>
/// <code>
/// var events = new RecordChangedFactory("my-test");
/// var created = events.Create(ThreeAppExample.Build(), ThreeAppExample.SnazzyUid, ThreeAppExample.Person, RecordOperation.Create,
///     refs: [RecordChangedFactory.Ref(ThreeAppExample.SnazzyUid, "s-1"), RecordChangedFactory.Ref(ThreeAppExample.WiceUid, "w-1")],
///     data: new { firstName = "Jane" });
/// </code>
/// </example>
public sealed class RecordChangedFactory
{
    /// <summary>The seed of a factory created without one.</summary>
    public const string DefaultSeed = "Dispatcher.Testing";

    private int _count;

    /// <summary>Creates a factory.</summary>
    /// <param name="seed">What makes this factory's ids differ from another's (e.g. the test's name).</param>
    public RecordChangedFactory(string seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        Seed = seed;
    }

    /// <summary>The seed the event ids are derived from.</summary>
    public string Seed { get; }

    /// <summary>How many messages this factory has created (the sequence number of the last one).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The event id of message number <paramref name="sequence"/> (1-based) of a factory seeded with
    /// <paramref name="seed"/>: a name-based UUID (version 8 layout, SHA-256 of <c>seed + "\n" + sequence</c>).
    /// </summary>
    /// <param name="seed">The factory's seed.</param>
    /// <param name="sequence">The message's sequence number.</param>
    /// <returns>The event id.</returns>
    public static Guid EventIdFor(string seed, int sequence)
    {
        ArgumentNullException.ThrowIfNull(seed);
        return NameBasedGuid.Create(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{seed}\n{sequence}"));
    }

    /// <summary>A <c>refs</c> entry: the record's id in one application.</summary>
    /// <param name="applicationUid">The application.</param>
    /// <param name="recordUid">The record's id there.</param>
    /// <returns>The reference.</returns>
    public static RecordReference Ref(string applicationUid, string recordUid) =>
        new() { ApplicationUid = applicationUid, RecordUid = recordUid };

    /// <summary>
    /// A change coming from the outbound flow <paramref name="sourceFlowId"/>. Its meta holds only <c>oihUid</c>
    /// (24 hex digits derived from the event id); add fields with <c>with { Meta = … }</c> if a test needs them.
    /// </summary>
    /// <param name="sourceFlowId">The outbound flow the change comes from.</param>
    /// <param name="operation">What happened to the record.</param>
    /// <param name="refs">The record's ids in other applications (each target's <c>recordUid</c>).</param>
    /// <param name="data">The record, serialized with System.Text.Json's defaults; null gives <c>{}</c>.</param>
    /// <returns>The message.</returns>
    public RecordChanged Create(
        string sourceFlowId, RecordOperation operation, IEnumerable<RecordReference>? refs = null, object? data = null)
    {
        ArgumentNullException.ThrowIfNull(sourceFlowId);
        return Build(sourceFlowId, operation, sourceApplicationUid: null, schemaUri: null, refs, data);
    }

    /// <summary>
    /// A change coming from the app <paramref name="sourceApplicationUid"/> of <paramref name="configuration"/>, through
    /// its provisioned outbound connection for <paramref name="schemaUri"/>. The meta holds <c>oihUid</c>,
    /// <c>schema</c>, <c>applicationUid</c> (the source app) and, when <paramref name="refs"/> has an entry for the
    /// source app, <c>recordUid</c> (its id there).
    /// </summary>
    /// <param name="configuration">The configuration the source app belongs to.</param>
    /// <param name="sourceApplicationUid">The source app.</param>
    /// <param name="schemaUri">The schema of the record (matched as the dispatcher matches schemas).</param>
    /// <param name="operation">What happened to the record.</param>
    /// <param name="refs">The record's ids in the applications (each target's <c>recordUid</c>).</param>
    /// <param name="data">The record, serialized with System.Text.Json's defaults; null gives <c>{}</c>.</param>
    /// <returns>The message.</returns>
    /// <exception cref="InvalidOperationException">The app does not exist or has no provisioned outbound connection for the schema.</exception>
    public RecordChanged Create(
        Configuration configuration, string sourceApplicationUid, string schemaUri, RecordOperation operation,
        IEnumerable<RecordReference>? refs = null, object? data = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sourceApplicationUid);
        var schema = SchemaUri.Parse(schemaUri);
        var app = configuration.Apps.FirstOrDefault(a => a.ApplicationUid.Value == sourceApplicationUid)
            ?? throw new InvalidOperationException($"Configuration '{configuration.Name}' has no app '{sourceApplicationUid}'.");
        var flowId = app.Outbound.Connections.FirstOrDefault(c => c.FlowId is not null && c.SchemaUri.Equals(schema))?.FlowId
            ?? throw new InvalidOperationException($"App '{sourceApplicationUid}' has no provisioned outbound connection for '{schemaUri}'.");
        return Build(flowId.Value, operation, sourceApplicationUid, schemaUri, refs, data);
    }

    private RecordChanged Build(
        string flowId, RecordOperation operation, string? sourceApplicationUid, string? schemaUri,
        IEnumerable<RecordReference>? refs, object? data)
    {
        var references = refs?.ToArray() ?? [];
        var eventId = EventIdFor(Seed, Interlocked.Increment(ref _count));
        var meta = new Dictionary<string, JsonElement>
        {
            ["oihUid"] = JsonSerializer.SerializeToElement(eventId.ToString("N")[..24]),
        };
        if (schemaUri is not null)
        {
            meta["schema"] = JsonSerializer.SerializeToElement(schemaUri);
        }

        if (sourceApplicationUid is not null)
        {
            meta["applicationUid"] = JsonSerializer.SerializeToElement(sourceApplicationUid);
            if (Array.Find(references, r => r.ApplicationUid == sourceApplicationUid) is { } own)
            {
                meta["recordUid"] = JsonSerializer.SerializeToElement(own.RecordUid);
            }
        }

        return new RecordChanged
        {
            EventId = eventId,
            FlowId = flowId,
            Operation = operation,
            Meta = meta,
            Refs = references,
            Data = data is null ? JsonSerializer.SerializeToElement(new { }) : JsonSerializer.SerializeToElement(data),
        };
    }
}

/// <summary>Name-based UUIDs: SHA-256 of the UTF-8 name, RFC 9562 version 8 layout (as the dispatcher's message ids).</summary>
internal static class NameBasedGuid
{
    public static Guid Create(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
