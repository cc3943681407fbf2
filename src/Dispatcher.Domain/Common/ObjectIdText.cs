using System.Security.Cryptography;

namespace Dispatcher.Domain.Common;

/// <summary>
/// 24-hex-digit identifiers in the MongoDB ObjectId layout (4-byte seconds timestamp, 5 random bytes fixed per
/// process, 3-byte counter), the id format the original service and its ecosystem use. Kept free of any driver.
/// </summary>
public static class ObjectIdText
{
    private static readonly byte[] ProcessRandom = RandomNumberGenerator.GetBytes(5);
    private static int _counter = RandomNumberGenerator.GetInt32(0, 0x00FFFFFF);

    /// <summary>A new id whose timestamp part is <paramref name="now"/>.</summary>
    public static string New(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[12];
        var seconds = (uint)now.ToUnixTimeSeconds();
        bytes[0] = (byte)(seconds >> 24);
        bytes[1] = (byte)(seconds >> 16);
        bytes[2] = (byte)(seconds >> 8);
        bytes[3] = (byte)seconds;
        ProcessRandom.CopyTo(bytes[4..9]);
        var counter = Interlocked.Increment(ref _counter) & 0x00FFFFFF;
        bytes[9] = (byte)(counter >> 16);
        bytes[10] = (byte)(counter >> 8);
        bytes[11] = (byte)counter;
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>A new id stamped with the current time.</summary>
    public static string New() => New(DateTimeOffset.UtcNow);

    /// <summary>
    /// A new id of 12 random bytes (24 hex digits), for ids that must not be guessable from one another: unlike
    /// <see cref="New(DateTimeOffset)"/>, which shares the process part and counts up.
    /// </summary>
    public static string NewRandom() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>True when <paramref name="value"/> is exactly 24 hexadecimal digits (any case).</summary>
    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != 24)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A new id of kind <typeparamref name="TId"/>.</summary>
    internal static TId New<TId>()
        where TId : struct, IObjectId<TId> => TId.Wrap(New());

    /// <summary>Parses an id of kind <typeparamref name="TId"/>; throws a domain error naming the kind.</summary>
    internal static TId Parse<TId>(string? value)
        where TId : struct, IObjectId<TId> => TId.Wrap(Normalize(value, TId.Kind));

    /// <summary>Parses an id of kind <typeparamref name="TId"/> without throwing.</summary>
    internal static bool TryParse<TId>(string? value, out TId id)
        where TId : struct, IObjectId<TId>
    {
        id = IsValid(value) ? TId.Wrap(value!.ToLowerInvariant()) : default;
        return IsValid(value);
    }

    /// <summary>Validates and lower-cases an id; throws a domain error naming <paramref name="what"/>.</summary>
    public static string Normalize(string? value, string what)
    {
        if (!IsValid(value))
        {
            throw new DomainRuleViolationException(
                DomainRules.IdFormat, $"{what} must be 24 hexadecimal digits, got '{value}'.");
        }

        return value!.ToLowerInvariant();
    }
}
