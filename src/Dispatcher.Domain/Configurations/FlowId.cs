using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>
/// Identifies an integration flow in the Flow Repository. The id becomes part of AMQP routing keys and queue names
/// (<c>dispatch.&lt;flowId&gt;</c>), so it is restricted to 1–64 characters of <c>[A-Za-z0-9_-]</c>: a dot, <c>*</c> or
/// <c>#</c> would change topic routing. Flow Repository ids (ObjectIds) always qualify.
/// </summary>
public readonly record struct FlowId
{
    private const int MaxLength = 64;

    private readonly string? _value;

    private FlowId(string value) => _value = value;

    /// <summary>The flow id text, case preserved; empty for <c>default</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Parses a flow id; throws a domain error when it is empty or has characters outside the allowed set.</summary>
    public static FlowId Parse(string? value) =>
        TryParse(value, out var id)
            ? id
            : throw new DomainRuleViolationException(
                DomainRules.IdFormat,
                $"Flow id must be 1-{MaxLength} characters of letters, digits, '_' or '-', got '{value}'.");

    /// <summary>Parses a flow id without throwing.</summary>
    public static bool TryParse(string? value, out FlowId id)
    {
        id = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        id = new FlowId(value);
        return true;
    }

    /// <summary>Wraps text already known to be a valid flow id (the routing table's packed ids).</summary>
    internal static FlowId FromValidated(string value) => new(value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
