using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>The tenant that owns a configuration, as the identity provider names it (opaque text).</summary>
public readonly record struct TenantId
{
    private readonly string? _value;

    private TenantId(string value) => _value = value;

    /// <summary>The tenant text, trimmed; empty for <c>default</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Creates a tenant id; throws a domain error when blank.</summary>
    public static TenantId Parse(string? value) => new(Guard.Required(value, "Tenant"));

    /// <inheritdoc />
    public override string ToString() => Value;
}
