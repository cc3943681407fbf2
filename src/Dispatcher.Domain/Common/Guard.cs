namespace Dispatcher.Domain.Common;

/// <summary>Small argument checks that throw <see cref="DomainRuleViolationException"/>.</summary>
internal static class Guard
{
    public static string Required(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new DomainRuleViolationException(DomainRules.Required, $"{name} is required.");
        }

        return value.Trim();
    }

    /// <summary>Trims; blank becomes null.</summary>
    public static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
