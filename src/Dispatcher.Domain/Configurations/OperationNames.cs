namespace Dispatcher.Domain.Configurations;

/// <summary>
/// The one text form of <see cref="Operation"/>: <c>CREATE</c>, <c>UPDATE</c>, <c>DELETE</c> (the original's names,
/// used in configurations, stored documents and sample events).
/// </summary>
public static class OperationNames
{
    /// <summary>The operation's name in upper case.</summary>
    public static string ToText(Operation operation) => operation switch
    {
        Operation.Create => "CREATE",
        Operation.Update => "UPDATE",
        Operation.Delete => "DELETE",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown operation."),
    };

    /// <summary>
    /// Reads an operation name in any case. Only the three names are accepted — not numbers or flag lists such as
    /// <c>CREATE,UPDATE</c>, which <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/> would take.
    /// </summary>
    public static bool TryParse(string? text, out Operation operation)
    {
        Operation? parsed = text?.ToUpperInvariant() switch
        {
            "CREATE" => Operation.Create,
            "UPDATE" => Operation.Update,
            "DELETE" => Operation.Delete,
            _ => null,
        };
        operation = parsed ?? default;
        return parsed is not null;
    }
}
