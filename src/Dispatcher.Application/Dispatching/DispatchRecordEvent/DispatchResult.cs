using Dispatcher.Domain.Routing;

namespace Dispatcher.Application.Dispatching.DispatchRecordEvent;

/// <summary>What happened to an event.</summary>
/// <param name="Outcome">The routing outcome.</param>
/// <param name="Dispatched">How many copies were sent.</param>
public sealed record DispatchResult(RoutingOutcome Outcome, int Dispatched);
