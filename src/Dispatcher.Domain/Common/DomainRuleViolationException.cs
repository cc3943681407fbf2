namespace Dispatcher.Domain.Common;

/// <summary>
/// Thrown when a state change would break a domain invariant. <see cref="Rule"/> names the rule
/// (one of <see cref="DomainRules"/>) so callers can map it to a precise error without parsing text.
/// </summary>
public sealed class DomainRuleViolationException : Exception
{
    /// <summary>Creates the exception for <paramref name="rule"/> with a human-readable message.</summary>
    public DomainRuleViolationException(string rule, string message)
        : base(message)
    {
        Rule = rule;
    }

    /// <summary>The violated rule, e.g. <c>app.applicationUid.unique</c>.</summary>
    public string Rule { get; }
}
