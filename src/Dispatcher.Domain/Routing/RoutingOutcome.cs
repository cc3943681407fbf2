namespace Dispatcher.Domain.Routing;

/// <summary>Why an event routes where it does.</summary>
public enum RoutingOutcome
{
    /// <summary>At least one target receives a copy.</summary>
    Routed = 1,

    /// <summary>No configuration has an outbound connection with the event's flow id.</summary>
    UnknownSource = 2,

    /// <summary>The source app's outbound side is inactive.</summary>
    SourceInactive = 3,

    /// <summary>No other app has an active inbound connection with the same schema and operation.</summary>
    NoMatchingTarget = 4,
}
