using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>Identifies an app: 24 lower-case hexadecimal digits (ObjectId text, as in the original service).</summary>
public readonly record struct AppId : IObjectId<AppId>
{
    private readonly string? _value;

    private AppId(string value) => _value = value;

    /// <summary>The 24-hex text; empty for <c>default</c>, which equals no parsed or new id.</summary>
    public string Value => _value ?? string.Empty;

    static string IObjectId<AppId>.Kind => "App id";

    /// <summary>A new, unique id.</summary>
    public static AppId New() => ObjectIdText.New<AppId>();

    /// <summary>Parses an id; throws a domain error when the text is not 24 hex digits.</summary>
    public static AppId Parse(string? value) => ObjectIdText.Parse<AppId>(value);

    /// <summary>Parses an id without throwing.</summary>
    public static bool TryParse(string? value, out AppId id) => ObjectIdText.TryParse(value, out id);

    static AppId IObjectId<AppId>.Wrap(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
