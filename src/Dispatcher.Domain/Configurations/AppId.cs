using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>Identifies a app: 24 lower-case hexadecimal digits (ObjectId text, as in the original service).</summary>
public readonly record struct AppId
{
    private AppId(string value) => Value = value;

    /// <summary>The 24-hex text.</summary>
    public string Value { get; }

    /// <summary>A new, unique id.</summary>
    public static AppId New() => new(ObjectIdText.New());

    /// <summary>Parses an id; throws a domain error when the text is not 24 hex digits.</summary>
    public static AppId Parse(string? value) => new(ObjectIdText.Normalize(value, "App id"));

    /// <summary>Parses an id without throwing.</summary>
    public static bool TryParse(string? value, out AppId id)
    {
        id = ObjectIdText.IsValid(value) ? new AppId(value!.ToLowerInvariant()) : default;
        return id.Value is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
