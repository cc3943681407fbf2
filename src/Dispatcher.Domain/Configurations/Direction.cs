namespace Dispatcher.Domain.Configurations;

/// <summary>Which side of an app a connection belongs to.</summary>
public enum Direction
{
    /// <summary>App → hub: the app's changes flow into the platform (source of events).</summary>
    Outbound = 1,

    /// <summary>Hub → app: the platform pushes changes into the app (target of dispatches).</summary>
    Inbound = 2,
}
