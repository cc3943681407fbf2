using Dispatcher.Application.Ports;
using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>
/// Turns the domain events a change raised into the flow work it implies, judged against the configuration's state
/// after the change. One entry per flow: removing a flow outweighs anything else asked of it in the same change.
/// </summary>
public static class FlowWorkPlan
{
    /// <summary>The work implied by <paramref name="configuration"/>'s pending domain events.</summary>
    public static IReadOnlyList<FlowWork> For(Configuration configuration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var plan = new Dictionary<FlowId, FlowWorkKind>();
        // One lookup for all events: a configuration with n connections raises up to n FlowAssigned events.
        var connections = configuration.Apps
            .SelectMany(app => app.Connections.Select(connection => (App: app, Connection: connection)))
            .ToDictionary(pair => pair.Connection.Id);
        foreach (var domainEvent in configuration.DomainEvents)
        {
            foreach (var (flowId, kind) in WorkFor(configuration, connections, domainEvent))
            {
                if (plan.GetValueOrDefault(flowId) != FlowWorkKind.Remove)
                {
                    plan[flowId] = kind;
                }
            }
        }

        return [.. plan.Select(p => new FlowWork(p.Key, p.Value, configuration.Tenant, configuration.Id, now))];
    }

    private static IEnumerable<(FlowId, FlowWorkKind)> WorkFor(
        Configuration configuration, Dictionary<ConnectionId, (App App, Connection Connection)> connections, IDomainEvent domainEvent) => domainEvent switch
    {
        FlowReleased released => [(released.FlowId, FlowWorkKind.Remove)],
        FlowUnassigned unassigned => [(unassigned.FlowId, FlowWorkKind.Remove)],
        ConfigurationDeleted deleted => deleted.Flows.Select(flowId => (flowId, FlowWorkKind.Remove)),
        FlowAssigned assigned => connections.TryGetValue(assigned.ConnectionId, out var found) && found is var (app, connection)
            && connection.FlowId == assigned.FlowId && app.Side(connection.Direction).Active
                ? [(assigned.FlowId, RunKind(connection.Direction))]
                : [],
        SideActivated activated => SideFlows(configuration, activated.AppId, activated.Direction, active: true)
            .Select(flowId => (flowId, RunKind(activated.Direction))),
        SideDeactivated deactivated => SideFlows(configuration, deactivated.AppId, deactivated.Direction, active: false)
            .Select(flowId => (flowId, FlowWorkKind.Stop)),
        _ => [],
    };

    // Outbound flows are the sources and run while their side is active; inbound flows start with their first
    // dispatch, which waits in the flow's destination meanwhile.
    private static FlowWorkKind RunKind(Direction direction) =>
        direction == Direction.Outbound ? FlowWorkKind.Start : FlowWorkKind.DeclareDestination;

    /// <summary>The provisioned flows of a side, when the side still exists and is in the given state.</summary>
    private static IEnumerable<FlowId> SideFlows(Configuration configuration, AppId appId, Direction direction, bool active) =>
        configuration.FindApp(appId)?.Side(direction) is { } side && side.Active == active
            ? side.Connections.Where(c => c.FlowId is not null).Select(c => c.FlowId!.Value)
            : [];
}
