using System.Diagnostics.CodeAnalysis;
using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>
/// The data schema a connection carries, as an absolute URI. The text is kept as given (it is echoed to clients
/// and written into flows); equality uses <see cref="Key"/>, the URI in normal form:
/// <list type="bullet">
/// <item>scheme and host are case-insensitive; a default port is the same as no port;</item>
/// <item>percent-encoding and dot-segments are normalised as <see cref="Uri"/> does;</item>
/// <item>path, query and fragment are otherwise compared exactly (case-sensitive, a trailing slash matters).</item>
/// </list>
/// The original service compared raw strings, so <c>HTTP://Host/x</c> and <c>http://host/x</c> did not match.
/// </summary>
public sealed class SchemaUri : IEquatable<SchemaUri>
{
    private SchemaUri(string text, string key)
    {
        Text = text;
        Key = key;
    }

    /// <summary>The URI as the user wrote it (trimmed).</summary>
    public string Text { get; }

    /// <summary>The normal form used for comparison.</summary>
    public string Key { get; }

    /// <summary>Parses a schema URI; throws a domain error unless it is an absolute URI.</summary>
    public static SchemaUri Parse(string? value)
    {
        var text = Guard.Required(value, "schemaUri");
        return TryParse(text, out var schemaUri)
            ? schemaUri
            : throw new DomainRuleViolationException(
                DomainRules.SchemaUriAbsolute, $"schemaUri must be an absolute URI, got '{text}'.");
    }

    /// <summary>Parses a schema URI without throwing.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SchemaUri? schemaUri)
    {
        schemaUri = null;
        var text = value?.Trim();
        // On Unix, Uri treats "/path" as an absolute file URI; only an explicit scheme counts as absolute here.
        if (string.IsNullOrEmpty(text) || text.IndexOf(':') <= 0 || !char.IsAsciiLetter(text[0])
            || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return false;
        }

        schemaUri = new SchemaUri(text, uri.AbsoluteUri);
        return true;
    }

    /// <summary>The last path segment (the original's <c>schema</c>), or empty.</summary>
    public string LastSegment => Segment(fromEnd: 1);

    /// <summary>The third-from-last path segment (the original's <c>domainId</c>), or empty.</summary>
    public string DomainSegment => Segment(fromEnd: 3);

    /// <inheritdoc />
    public bool Equals(SchemaUri? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SchemaUri);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    /// <inheritdoc />
    public override string ToString() => Text;

    private string Segment(int fromEnd)
    {
        var parts = Text.Split('/');
        return parts.Length >= fromEnd ? parts[^fromEnd] : string.Empty;
    }
}
