using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Application.Configurations.Preview;

/// <summary>Builds a <see cref="DispatchPreview"/>: the routing engine's decision, explained.</summary>
public static class DispatchPreviewer
{
    /// <summary>Previews <paramref name="recordEvent"/> in <paramref name="configuration"/>, routed by <paramref name="routing"/>.</summary>
    public static DispatchPreview Preview(IRoutingEngine routing, Configuration configuration, RecordEvent recordEvent)
    {
        ArgumentNullException.ThrowIfNull(routing);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(recordEvent);

        // The decision itself is the engine's, as for a real event; everything below only explains it.
        var result = routing.Route(configuration, recordEvent);
        var operation = OperationText(recordEvent.Operation);
        var flow = recordEvent.SourceFlowId.Value;
        var source = FindSource(configuration, recordEvent.SourceFlowId);
        if (source is null)
        {
            return new DispatchPreview(
                result.Outcome.ToString(), UnknownSourceReason(configuration, recordEvent.SourceFlowId), flow, operation, null, [], []);
        }

        var (sourceApp, sourceConnection) = source.Value;
        var previewSource = new PreviewSource(
            sourceApp.Id.Value, sourceApp.ApplicationUid.Value, sourceApp.ApplicationName, sourceConnection.Id.Value,
            sourceConnection.SchemaUri.Text, sourceApp.Outbound.Active);
        var receivers = Receivers(configuration, sourceApp, sourceConnection.SchemaUri, recordEvent.Operation, result);
        var dispatches = result.Dispatches().Select(d => ToPreview(receivers[d.Target.FlowId], d)).ToList();
        var targeted = receivers.Values.Select(r => r.Connection.Id).ToHashSet();
        var skipped = Candidates(configuration, sourceConnection.SchemaUri, recordEvent.Operation)
            .Where(c => !targeted.Contains(c.Connection.Id))
            .Select(c => Skip(c.App, c.Connection, sourceApp))
            .ToList();

        var reason = result.Outcome switch
        {
            RoutingOutcome.Routed => $"Sent to {dispatches.Count} target flow(s): {string.Join(", ", dispatches.Select(d => $"{d.ApplicationName} ({d.FlowId})"))}.",
            RoutingOutcome.SourceInactive =>
                $"The outbound side of app '{sourceApp.ApplicationName}' ({sourceApp.ApplicationUid.Value}) is inactive: its events are not routed.",
            _ => NoTargetReason(configuration, sourceApp, sourceConnection.SchemaUri, recordEvent.Operation),
        };
        return new DispatchPreview(result.Outcome.ToString(), reason, flow, operation, previewSource, dispatches, skipped);
    }

    // The app and inbound connection behind each target flow: the first candidate, in configuration order, that the
    // routing rules accept (a flow shared by two connections is sent once, on behalf of the first).
    private static Dictionary<FlowId, (App App, Connection Connection)> Receivers(
        Configuration configuration, App sourceApp, SchemaUri schema, Operation operation, RoutingResult result)
    {
        var targets = result.Targets.Select(t => t.FlowId).ToHashSet();
        var receivers = new Dictionary<FlowId, (App App, Connection Connection)>();
        foreach (var (app, connection) in Candidates(configuration, schema, operation))
        {
            if (app.Id != sourceApp.Id && app.Inbound.Active && connection.FlowId is { } flowId && targets.Contains(flowId))
            {
                receivers.TryAdd(flowId, (app, connection));
            }
        }

        return receivers;
    }

    private static PreviewedDispatch ToPreview((App App, Connection Connection) receiver, Dispatch dispatch)
    {
        var target = dispatch.Target;
        var (app, connection) = receiver;
        var meta = new JsonObject();
        foreach (var field in dispatch.TailoredMeta().Fields)
        {
            meta[field.Key] = JsonSerializer.SerializeToNode(field.Value);
        }

        var data = dispatch.Source.Data.ValueKind == JsonValueKind.Undefined ? (JsonElement?)null : dispatch.Source.Data;
        return new PreviewedDispatch(
            app.Id.Value, target.ApplicationUid.Value, app.ApplicationName, connection.Id.Value, target.FlowId.Value,
            IDispatchDestinations.RoutingKey(target.FlowId), connection.SchemaUri.Text, dispatch.RecordUid, meta, data);
    }

    private static SkippedTarget Skip(App app, Connection connection, App sourceApp)
    {
        var (reason, explanation) =
            app.Id == sourceApp.Id ? ("SourceApp", "The source app never receives its own change.")
            : !app.Inbound.Active ? ("InboundInactive", $"The inbound side of app '{app.ApplicationName}' is inactive.")
            : connection.FlowId is null ? ("NotProvisioned", "The connection has no flow yet (the reconciler creates it).")
            : !sourceApp.Outbound.Active ? ("SourceInactive", "The source app's outbound side is inactive.")
            : ("Duplicate", "The same flow already receives a copy.");
        return new SkippedTarget(
            app.Id.Value, app.ApplicationUid.Value, app.ApplicationName, connection.Id.Value, connection.FlowId?.Value, reason, explanation);
    }

    /// <summary>Every inbound connection, of any app, with <paramref name="schema"/> and <paramref name="operation"/>.</summary>
    private static IEnumerable<(App App, Connection Connection)> Candidates(Configuration configuration, SchemaUri schema, Operation operation) =>
        from app in configuration.Apps
        from connection in app.Inbound.Connections
        where connection.Operation == operation && connection.SchemaUri.Equals(schema)
        select (app, connection);

    private static string NoTargetReason(Configuration configuration, App sourceApp, SchemaUri schema, Operation operation)
    {
        var op = OperationText(operation);
        var others = configuration.Apps.Where(a => a.Id != sourceApp.Id).ToList();
        var withSchema = others.SelectMany(a => a.Inbound.Connections.Select(c => (App: a, Connection: c)))
            .Where(x => x.Connection.SchemaUri.Equals(schema)).ToList();
        var ownNote = sourceApp.Inbound.Connections.Any(c => c.Operation == operation && c.SchemaUri.Equals(schema))
            ? $" The source app '{sourceApp.ApplicationName}' has one, but an app never receives its own change."
            : string.Empty;
        if (withSchema.Count == 0)
        {
            return $"No other app has an inbound connection for schema {schema.Text}.{ownNote}";
        }

        var withOperation = withSchema.Where(x => x.Connection.Operation == operation).ToList();
        if (withOperation.Count == 0)
        {
            var accepted = withSchema.Select(x => OperationText(x.Connection.Operation!.Value)).Distinct().Order(StringComparer.Ordinal);
            return $"No other app has an inbound {op} connection for schema {schema.Text} (other apps accept {string.Join(", ", accepted)} for it).{ownNote}";
        }

        var active = withOperation.Where(x => x.App.Inbound.Active).ToList();
        if (active.Count == 0)
        {
            var inactive = withOperation.Select(x => $"'{x.App.ApplicationName}'").Distinct();
            return $"No other app has an active inbound {op} connection for schema {schema.Text}: the inbound side of {string.Join(", ", inactive)} is inactive.";
        }

        // Active connections exist, so none of them has a flow yet.
        return $"No other app has a provisioned inbound {op} connection for schema {schema.Text}: " +
            $"{active.Count} active connection(s) have no flow yet (the reconciler creates them).";
    }

    private static string UnknownSourceReason(Configuration configuration, FlowId flowId)
    {
        foreach (var app in configuration.Apps)
        {
            if (app.Inbound.Connections.FirstOrDefault(c => c.FlowId == flowId) is { } inbound)
            {
                return $"Flow {flowId.Value} is the inbound {OperationText(inbound.Operation!.Value)} flow of app '{app.ApplicationName}', " +
                    "not an outbound flow: only outbound flows are sources of record events.";
            }
        }

        return $"Flow {flowId.Value} is not an outbound flow of this configuration: events from it are not routed here.";
    }

    private static (App App, Connection Connection)? FindSource(Configuration configuration, FlowId flowId)
    {
        foreach (var app in configuration.Apps)
        {
            if (app.Outbound.Connections.FirstOrDefault(c => c.FlowId == flowId) is { } connection)
            {
                return (app, connection);
            }
        }

        return null;
    }

    private static string OperationText(Operation operation) => OperationNames.ToText(operation);
}
