using Dispatcher.Application.Dispatching;

namespace Dispatcher.Application.Ports;

/// <summary>
/// Sends tailored copies to their target flows. Returns only once the broker has confirmed every one of them
/// (publisher confirms); throws otherwise, so the incoming event is not acknowledged and is retried.
/// </summary>
public interface IDispatchPublisher
{
    /// <summary>
    /// Publishes all dispatches; completes when all are confirmed. The handler passes the copies of one event per
    /// call, which lets a publisher serialize what they share once.
    /// </summary>
    Task PublishAsync(IReadOnlyList<OutgoingDispatch> dispatches, CancellationToken cancellationToken);
}
