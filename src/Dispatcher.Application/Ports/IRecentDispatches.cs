namespace Dispatcher.Application.Ports;

/// <summary>
/// The embedded mode's outbox (no broker): the latest dispatches, kept in the exact wire format so a newcomer can see
/// what the service would send (<c>GET /events/dispatches</c>). Registered only without a broker; its absence is how
/// the embedded-only routes know to answer 404.
/// </summary>
public interface IRecentDispatches
{
    /// <summary>The latest dispatches, oldest first (at most 1,000).</summary>
    IReadOnlyList<PublishedDispatch> Recent { get; }
}
