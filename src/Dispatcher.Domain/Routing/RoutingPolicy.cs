using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Routing;

/// <summary>
/// The hub-and-spoke routing rules, stated directly over one configuration. Pure: no I/O, no state.
/// <list type="number">
/// <item>The source is the outbound connection whose flow is the event's flow; its schema is the event's schema.
/// No such connection: <see cref="RoutingOutcome.UnknownSource"/>. Its side inactive: <see cref="RoutingOutcome.SourceInactive"/>.</item>
/// <item>The source app never receives its own change.</item>
/// <item>Targets are the provisioned inbound connections of every other app whose inbound side is active, whose
/// operation is the event's and whose schema equals the source's (see <see cref="SchemaUri"/> for equality).
/// Each target flow at most once.</item>
/// <item>Each target gets a tailored copy (<see cref="Dispatch"/>); the event is never changed.</item>
/// </list>
/// The specification of routing: the dispatcher's routing engine (Dispatcher.Application's compiled routing table)
/// answers the same questions in O(1) over many configurations, and a property test keeps the two equal.
/// </summary>
public static class RoutingPolicy
{
    /// <summary>Routes <paramref name="recordEvent"/> within <paramref name="configuration"/>.</summary>
    public static RoutingResult Route(Configuration configuration, RecordEvent recordEvent)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(recordEvent);

        var source = FindSource(configuration, recordEvent.SourceFlowId);
        if (source is null)
        {
            return RoutingResult.For(recordEvent, RoutingOutcome.UnknownSource, null);
        }

        var (sourceApp, sourceConnection) = source.Value;
        if (!sourceApp.Outbound.Active)
        {
            return RoutingResult.For(recordEvent, RoutingOutcome.SourceInactive, null);
        }

        var targets = new List<RouteTarget>();
        foreach (var app in configuration.Apps)
        {
            if (app.Id == sourceApp.Id || !app.Inbound.Active)
            {
                continue;
            }

            foreach (var connection in app.Inbound.Connections)
            {
                if (connection.FlowId is { } flowId
                    && connection.Operation == recordEvent.Operation
                    && connection.SchemaUri.Equals(sourceConnection.SchemaUri)
                    && targets.TrueForAll(t => t.FlowId != flowId))
                {
                    targets.Add(new RouteTarget(configuration.Id, app.ApplicationUid, flowId));
                }
            }
        }

        return RoutingResult.For(recordEvent, RoutingOutcome.Routed, [.. targets]);
    }

    private static (App App, Connection Connection)? FindSource(Configuration configuration, FlowId flowId)
    {
        foreach (var app in configuration.Apps)
        {
            foreach (var connection in app.Outbound.Connections)
            {
                if (connection.FlowId == flowId)
                {
                    return (app, connection);
                }
            }
        }

        return null;
    }
}
