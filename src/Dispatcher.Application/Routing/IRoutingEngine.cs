using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Application.Routing;

/// <summary>
/// The routing engine: the rules of <see cref="RoutingPolicy"/> (the specification) answered by the compiled form of
/// the configurations (<see cref="RoutingTable"/>). The event handler and the preview both route through it, so what
/// a preview shows is what the bus sends.
/// </summary>
public interface IRoutingEngine
{
    /// <summary>Routes <paramref name="recordEvent"/> over every loaded configuration (the one holding its source flow decides).</summary>
    RoutingResult Route(RecordEvent recordEvent);

    /// <summary>
    /// Routes <paramref name="recordEvent"/> within <paramref name="configuration"/> as given (loaded or not), with the
    /// same compiled rules.
    /// </summary>
    RoutingResult Route(Configuration configuration, RecordEvent recordEvent);
}
