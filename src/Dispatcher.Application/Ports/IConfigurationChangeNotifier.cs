using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Ports;

/// <summary>
/// Tells every service instance that a configuration changed, so each updates its routing table (this instance
/// updates its own table at once; the others within about a second).
/// </summary>
public interface IConfigurationChangeNotifier
{
    /// <summary>Announces a stored change (<paramref name="deleted"/> when the configuration is gone).</summary>
    Task NotifyAsync(Configuration configuration, bool deleted, CancellationToken cancellationToken);
}
