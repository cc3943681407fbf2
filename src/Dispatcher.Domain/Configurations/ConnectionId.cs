using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>Identifies a connection: 24 lower-case hexadecimal digits (ObjectId text, as in the original service).</summary>
public readonly record struct ConnectionId : IObjectId<ConnectionId>
{
    private readonly string? _value;

    private ConnectionId(string value) => _value = value;

    /// <summary>The 24-hex text; empty for <c>default</c>, which equals no parsed or new id.</summary>
    public string Value => _value ?? string.Empty;

    static string IObjectId<ConnectionId>.Kind => "Connection id";

    /// <summary>A new, unique id.</summary>
    public static ConnectionId New() => ObjectIdText.New<ConnectionId>();

    /// <summary>Parses an id; throws a domain error when the text is not 24 hex digits.</summary>
    public static ConnectionId Parse(string? value) => ObjectIdText.Parse<ConnectionId>(value);

    /// <summary>Parses an id without throwing.</summary>
    public static bool TryParse(string? value, out ConnectionId id) => ObjectIdText.TryParse(value, out id);

    static ConnectionId IObjectId<ConnectionId>.Wrap(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
