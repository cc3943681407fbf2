using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Reconciliation;

/// <summary>What one reconciliation round did.</summary>
/// <param name="ConfigurationsChecked">Configurations compared with the Flow Repository.</param>
/// <param name="FlowsListed">Flows the Flow Repository listed.</param>
/// <param name="FlowCalls">Calls made to the Flow Repository to compare (list pages and status checks).</param>
/// <param name="FlowsRecreated">Flows created for active connections whose flow had vanished or never existed.</param>
/// <param name="OrphansQueued">Flows created for a connection that does not own them, queued for removal.</param>
/// <param name="Errors">Configurations that could not be reconciled this round (retried next round).</param>
public sealed record ReconcileReport(
    int ConfigurationsChecked, int FlowsListed, int FlowCalls, int FlowsRecreated, int OrphansQueued, int Errors)
{
    /// <summary>True when the round changed something.</summary>
    public bool ChangedAnything => FlowsRecreated + OrphansQueued > 0;
}
