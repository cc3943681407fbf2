using Dispatcher.Application.Common.Errors;
using Dispatcher.Domain.Configurations;
using FluentValidation.Results;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Validation;

/// <summary>
/// The configuration-wide limits (<see cref="InputLimits.MaxApps"/>,
/// <see cref="ConfigurationLimitOptions.MaxConnectionsPerConfiguration"/>) checked on the state a change would store —
/// the validators see only the request. Checked before any flow is created; two concurrent additions cannot both pass,
/// because the save is version-checked and one of them loses (409).
/// </summary>
public sealed class ConfigurationLimits(IOptions<ConfigurationLimitOptions> options)
{
    /// <summary>Throws <see cref="RequestValidationException"/> (422) when <paramref name="configuration"/> is over a limit.</summary>
    public void Ensure(Configuration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var failures = new List<ValidationFailure>();
        var apps = configuration.Apps.Count;
        if (apps > InputLimits.MaxApps)
        {
            failures.Add(new ValidationFailure("body", $"The configuration would have {apps} applications; at most {InputLimits.MaxApps} are allowed ({InputLimits.Names.Apps}).")
            {
                ErrorCode = InputLimits.Names.Apps,
            });
        }

        var connections = configuration.Apps.Sum(app => app.Outbound.Connections.Count + app.Inbound.Connections.Count);
        var maxConnections = options.Value.MaxConnectionsPerConfiguration;
        if (connections > maxConnections)
        {
            failures.Add(new ValidationFailure("body", $"The configuration would have {connections} connections; at most {maxConnections} are allowed ({InputLimits.Names.ConnectionsPerConfiguration}).")
            {
                ErrorCode = InputLimits.Names.ConnectionsPerConfiguration,
            });
        }

        if (failures.Count > 0)
        {
            throw new RequestValidationException(failures);
        }
    }
}
