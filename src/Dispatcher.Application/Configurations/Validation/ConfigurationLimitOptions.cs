using System.ComponentModel.DataAnnotations;

namespace Dispatcher.Application.Configurations.Validation;

/// <summary>The configuration limits an operator may change (section <c>Limits</c>); the others are <see cref="InputLimits"/>.</summary>
public sealed class ConfigurationLimitOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// Most connections (each one a flow) of one configuration. Raise it for very large configurations; a request that
    /// big also needs a larger <c>Api:MaxRequestBodyBytes</c> (about 160 bytes per connection).
    /// </summary>
    [Range(1, InputLimits.MaxConnectionsPerConfigurationCeiling)]
    public int MaxConnectionsPerConfiguration { get; set; } = InputLimits.DefaultMaxConnectionsPerConfiguration;
}
