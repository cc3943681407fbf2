using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>The tenant that owns a configuration, as the identity provider names it (opaque text).</summary>
public readonly record struct TenantId
{
    private TenantId(string value) => Value = value;

    /// <summary>The tenant text, trimmed.</summary>
    public string Value { get; }

    /// <summary>Creates a tenant id; throws a domain error when blank.</summary>
    public static TenantId Parse(string? value) => new(Guard.Required(value, "Tenant"));

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}
