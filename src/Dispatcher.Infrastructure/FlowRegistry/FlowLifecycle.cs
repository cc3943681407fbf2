using Dispatcher.Application.Ports;

namespace Dispatcher.Infrastructure.FlowRegistry;

/// <summary>
/// The Flow Repository's status lifecycle without an orchestrator: <c>starting</c> becomes <c>active</c> and
/// <c>stopping</c> becomes <c>inactive</c> once the transition delay has passed.
/// </summary>
internal static class FlowLifecycle
{
    /// <summary>The flow as it stands at <paramref name="now"/>: a due transition completed at the time it was due.</summary>
    public static StandaloneFlow Settle(StandaloneFlow flow, DateTimeOffset now, TimeSpan transitionDelay)
    {
        var settledAt = flow.StatusChangedAt + transitionDelay;
        if (now < settledAt)
        {
            return flow;
        }

        return flow.Status switch
        {
            FlowStatus.Starting => flow with { Status = FlowStatus.Active, StatusChangedAt = settledAt },
            FlowStatus.Stopping => flow with { Status = FlowStatus.Inactive, StatusChangedAt = settledAt },
            _ => flow,
        };
    }

    /// <summary>The status a start request leads to, or null when the flow is already starting or active.</summary>
    public static FlowStatus? Start(FlowStatus current) =>
        current is FlowStatus.Inactive or FlowStatus.Stopping ? FlowStatus.Starting : null;

    /// <summary>The status a stop request leads to, or null when the flow is already stopping or inactive.</summary>
    public static FlowStatus? Stop(FlowStatus current) =>
        current is FlowStatus.Active or FlowStatus.Starting ? FlowStatus.Stopping : null;

    /// <summary>The status as the Flow Repository spells it (<c>inactive</c>, <c>starting</c>, …).</summary>
    public static string ToText(FlowStatus status) => status switch
    {
        FlowStatus.Inactive => "inactive",
        FlowStatus.Starting => "starting",
        FlowStatus.Active => "active",
        FlowStatus.Stopping => "stopping",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown flow status."),
    };

    /// <summary>Parses the Flow Repository spelling of a status.</summary>
    public static FlowStatus Parse(string text) => text switch
    {
        "inactive" => FlowStatus.Inactive,
        "starting" => FlowStatus.Starting,
        "active" => FlowStatus.Active,
        "stopping" => FlowStatus.Stopping,
        _ => throw new FormatException($"Unknown flow status '{text}'."),
    };
}
