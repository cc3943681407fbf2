using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>
/// The id an application is known by in record metadata (<c>meta.applicationUid</c>) and in the Data Hub's refs.
/// Compared ordinally, as the original service does.
/// </summary>
public readonly record struct ApplicationUid
{
    private readonly string? _value;

    private ApplicationUid(string value) => _value = value;

    /// <summary>The uid text, trimmed; empty for <c>default</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Creates an application uid; throws a domain error when blank.</summary>
    public static ApplicationUid Parse(string? value) => new(Guard.Required(value, "applicationUid"));

    /// <inheritdoc />
    public override string ToString() => Value;
}
