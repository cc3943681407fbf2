using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Dispatcher.Infrastructure.Messaging.Dispatch;

/// <summary>
/// Small helpers to write JSON without <see cref="Utf8JsonWriter"/>: strings escaped exactly as the writer's default
/// encoder escapes them, and pass-through values copied raw when that is safe.
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
