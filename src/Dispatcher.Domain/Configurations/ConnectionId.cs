using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>Identifies a connection: 24 lower-case hexadecimal digits (ObjectId text, as in the original service).</summary>
public readonly record struct ConnectionId
{
    private ConnectionId(string value) => Value = value;

    /// <summary>The 24-hex text.</summary>
    public string Value { get; }

    /// <summary>A new, unique id.</summary>
    public static ConnectionId New() => new(ObjectIdText.New());

    /// <summary>Parses an id; throws a domain error when the text is not 24 hex digits.</summary>
    public static ConnectionId Parse(string? value) => new(ObjectIdText.Normalize(value, "Connection id"));

    /// <summary>Parses an id without throwing.</summary>
    public static bool TryParse(string? value, out ConnectionId id)
    {
        id = ObjectIdText.IsValid(value) ? new ConnectionId(value!.ToLowerInvariant()) : default;
        return id.Value is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
