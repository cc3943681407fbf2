using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Routing;

/// <summary>
/// A flow of a configuration as the routing table stores it: 16 bytes, no object. Flow ids that are 24 lower-case hex
/// digits (ObjectIds: every id the Flow Repository and the standalone registry hand out) are packed into
/// <see cref="Hi"/> and <see cref="Lo"/>; any other id is kept as text by the owning <see cref="ConfigurationRoutes"/>
/// and <see cref="Hi"/> is its index there. Storing the ids as strings (72 bytes each) would cost more than all the
/// rest of the table.
/// </summary>
internal readonly struct PackedFlow
{
    private const ushort TextBit = 0x8000;
    private const int OperationShift = 12;
    private const ushort SchemaMask = 0x0FFF;

    /// <summary>The largest schema index an entry can hold (per configuration).</summary>
    public const int MaxSchemas = SchemaMask + 1;

    // Declared in this order so the struct is 16 bytes (8 + 4 + 2 + 2) in the table's arrays.
    private readonly ulong _hi;
    private readonly uint _lo;
    private readonly ushort _app;
    private readonly ushort _bits; // text flag (1) | operation (3) | schema index (12)

    public PackedFlow(in FlowKey key, int textIndex, int app, int schema, Operation? operation)
    {
        _hi = key.IsText ? (ulong)textIndex : key.Hi;
        _lo = key.Lo;
        _app = checked((ushort)app);
        _bits = (ushort)((key.IsText ? TextBit : 0) | ((operation is { } op ? (int)op : 0) << OperationShift) | schema);
    }

    /// <summary>First 16 hex digits, or the index of the text id.</summary>
    public ulong Hi => _hi;

    /// <summary>Last 8 hex digits.</summary>
    public uint Lo => _lo;

    /// <summary>Index of the app in the configuration.</summary>
    public int App => _app;

    /// <summary>True when the id is not packed but kept as text.</summary>
    public bool IsText => (_bits & TextBit) != 0;

    /// <summary>Index of the schema in the configuration.</summary>
    public int Schema => _bits & SchemaMask;

    /// <summary>The operation (inbound connections only).</summary>
    public Operation Operation => (Operation)((_bits >> OperationShift) & 0x7);

    /// <summary>True when both entries name the same flow (entries of one configuration).</summary>
    public bool SameFlowAs(in PackedFlow other) => Hi == other.Hi && Lo == other.Lo && IsText == other.IsText;
}

/// <summary>
/// A flow id as the routing table looks it up: packed when it is 24 lower-case hex digits, else its text; with its
/// hash. Computed once per lookup, without allocating.
/// </summary>
internal readonly struct FlowKey
{
    private FlowKey(ulong hi, uint lo, string? text, uint hash)
    {
        Hi = hi;
        Lo = lo;
        Text = text;
        Hash = hash;
    }

    public ulong Hi { get; }

    public uint Lo { get; }

    /// <summary>The id's text when it cannot be packed; null when packed.</summary>
    public string? Text { get; }

    public bool IsText => Text is not null;

    /// <summary>A well-mixed 32-bit hash (never used as a security boundary: flow ids are server-issued).</summary>
    public uint Hash { get; }

    public static FlowKey Of(FlowId flowId) => Of(flowId.Value);

    public static FlowKey Of(string id) =>
        TryPack(id, out var hi, out var lo)
            ? new FlowKey(hi, lo, null, Mix(hi, lo))
            : new FlowKey(0, 0, id, (uint)string.GetHashCode(id, StringComparison.Ordinal));

    /// <summary>The key of a stored entry (equal to <see cref="Of(string)"/> of its id), without allocating.</summary>
    public static FlowKey Of(in PackedFlow entry, string[] texts) =>
        entry.IsText ? Of(texts[entry.Hi]) : new FlowKey(entry.Hi, entry.Lo, null, Mix(entry.Hi, entry.Lo));

    /// <summary>True when <paramref name="entry"/> (of a configuration whose text ids are <paramref name="texts"/>) is this id.</summary>
    public bool Matches(in PackedFlow entry, string[] texts) =>
        entry.IsText
            ? Text is not null && string.Equals(texts[entry.Hi], Text, StringComparison.Ordinal)
            : Text is null && entry.Hi == Hi && entry.Lo == Lo;

    /// <summary>The id of a stored entry as text (allocates; done once per target and cached).</summary>
    public static string TextOf(in PackedFlow entry, string[] texts)
    {
        if (entry.IsText)
        {
            return texts[entry.Hi];
        }

        return string.Create(24, (entry.Hi, entry.Lo), static (chars, value) =>
        {
            for (var i = 0; i < 16; i++)
            {
                chars[i] = HexDigit((int)(value.Hi >> (60 - (4 * i))) & 0xF);
            }

            for (var i = 0; i < 8; i++)
            {
                chars[16 + i] = HexDigit((int)(value.Lo >> (28 - (4 * i))) & 0xF);
            }
        });
    }

    private static char HexDigit(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static bool TryPack(string id, out ulong hi, out uint lo)
    {
        hi = 0;
        lo = 0;
        if (id.Length != 24)
        {
            return false;
        }

        for (var i = 0; i < 16; i++)
        {
            var nibble = Nibble(id[i]);
            if (nibble < 0)
            {
                return false;
            }

            hi = (hi << 4) | (uint)nibble;
        }

        for (var i = 16; i < 24; i++)
        {
            var nibble = Nibble(id[i]);
            if (nibble < 0)
            {
                return false;
            }

            lo = (lo << 4) | (uint)nibble;
        }

        return true;
    }

    // Upper-case hex is not packed: flow ids keep their case, and packing must round-trip to the same text.
    private static int Nibble(char c) => c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : -1;

    // A 64-bit finaliser (MurmurHash3's fmix64) over both parts: ObjectIds share their timestamp and process bytes.
    private static uint Mix(ulong hi, uint lo)
    {
        var x = hi ^ (lo * 0x9E3779B97F4A7C15UL);
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return (uint)x;
    }
}
