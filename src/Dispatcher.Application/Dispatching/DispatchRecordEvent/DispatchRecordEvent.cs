using Dispatcher.Application.Ports;
using Dispatcher.Domain.Routing;
using Mediator;

namespace Dispatcher.Application.Dispatching.DispatchRecordEvent;

/// <summary>
/// Routes one record event and sends each target its tailored copy. Both wire formats (the platform's event bus and
/// the MassTransit contracts) end here. Completes only when every dispatch is confirmed by the broker and, when an
/// <see cref="IDispatchNotifier"/> is enabled (<c>Messaging:PublishContracts</c>), every delivered copy is announced.
/// </summary>
/// <param name="Event">The event.</param>
/// <param name="EventIdentity">A stable identity of the incoming message (its id, else a hash of its body).</param>
/// <param name="CorrelationId">Carried to every dispatch.</param>
/// <param name="HopCount">Dispatcher hops the event has made so far (0 for a fresh event).</param>
public sealed record DispatchRecordEvent(RecordEvent Event, string EventIdentity, string CorrelationId, int HopCount)
    : ICommand<DispatchResult>;
