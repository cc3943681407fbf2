using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>Identifies a configuration: 24 lower-case hexadecimal digits (ObjectId text, as in the original service).</summary>
public readonly record struct ConfigurationId : IObjectId<ConfigurationId>
{
    private readonly string? _value;

    private ConfigurationId(string value) => _value = value;

    /// <summary>The 24-hex text; empty for <c>default</c>, which equals no parsed or new id.</summary>
    public string Value => _value ?? string.Empty;

    static string IObjectId<ConfigurationId>.Kind => "Configuration id";

    /// <summary>A new, unique id.</summary>
    public static ConfigurationId New() => ObjectIdText.New<ConfigurationId>();

    /// <summary>Parses an id; throws a domain error when the text is not 24 hex digits.</summary>
    public static ConfigurationId Parse(string? value) => ObjectIdText.Parse<ConfigurationId>(value);

    /// <summary>Parses an id without throwing.</summary>
    public static bool TryParse(string? value, out ConfigurationId id) => ObjectIdText.TryParse(value, out id);

    static ConfigurationId IObjectId<ConfigurationId>.Wrap(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
