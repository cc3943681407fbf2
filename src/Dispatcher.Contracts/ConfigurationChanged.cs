namespace Dispatcher.Contracts;

/// <summary>
/// A dispatch configuration was created, changed or deleted. Every dispatcher instance reloads it into its routing
/// table; other services may use it to follow configuration changes.
/// </summary>
public sealed record ConfigurationChanged
{
    /// <summary>The configuration's id (24 hex digits).</summary>
    public required string ConfigurationId { get; init; }

    /// <summary>The owning tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>True when the configuration no longer exists.</summary>
    public bool Deleted { get; init; }

    /// <summary>The stored version after the change (0 when deleted).</summary>
    public long Version { get; init; }
}
