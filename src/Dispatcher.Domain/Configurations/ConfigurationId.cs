using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>Identifies a configuration: 24 lower-case hexadecimal digits (ObjectId text, as in the original service).</summary>
public readonly record struct ConfigurationId
{
    private ConfigurationId(string value) => Value = value;

    /// <summary>The 24-hex text.</summary>
    public string Value { get; }

    /// <summary>A new, unique id.</summary>
    public static ConfigurationId New() => new(ObjectIdText.New());

    /// <summary>Parses an id; throws a domain error when the text is not 24 hex digits.</summary>
    public static ConfigurationId Parse(string? value) => new(ObjectIdText.Normalize(value, "Configuration id"));

    /// <summary>Parses an id without throwing.</summary>
    public static bool TryParse(string? value, out ConfigurationId id)
    {
        id = ObjectIdText.IsValid(value) ? new ConfigurationId(value!.ToLowerInvariant()) : default;
        return id.Value is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
