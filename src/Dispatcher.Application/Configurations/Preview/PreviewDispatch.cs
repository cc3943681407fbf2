using Dispatcher.Application.Configurations.Commands;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Mediator;

namespace Dispatcher.Application.Configurations.Preview;

/// <summary>
/// A dry run: what the service would send for <paramref name="Event"/> if it arrived now, computed from the stored
/// configuration by the routing engine events go through (<see cref="IRoutingEngine"/>). Reads only: no flow is
/// started, nothing is published. <see cref="NotFoundException"/> when the configuration is missing or another tenant's.
/// </summary>
/// <param name="Tenant">The caller's tenant.</param>
/// <param name="ConfigurationId">The configuration to route in.</param>
/// <param name="Event">The sample record event.</param>
public sealed record PreviewDispatch(TenantId Tenant, string ConfigurationId, RecordEvent Event) : IQuery<DispatchPreview>;

/// <summary>What the service would do with a record event.</summary>
/// <param name="Outcome"><c>Routed</c>, <c>UnknownSource</c>, <c>SourceInactive</c> or <c>NoMatchingTarget</c>.</param>
/// <param name="Reason">In words: where the copies go, or the most specific reason why nothing would be sent.</param>
/// <param name="SourceFlowId">The event's source flow (<c>meta.flowId</c>).</param>
/// <param name="Operation">CREATE, UPDATE or DELETE.</param>
/// <param name="Source">The outbound connection the event comes from, or null when the flow is not one of this configuration's.</param>
/// <param name="Dispatches">The copies that would be sent, in sending order.</param>
/// <param name="Skipped">Inbound connections with the source's schema and the event's operation that would get no copy, each with why.</param>
public sealed record DispatchPreview(
    string Outcome,
    string Reason,
    string SourceFlowId,
    string Operation,
    PreviewSource? Source,
    IReadOnlyList<PreviewedDispatch> Dispatches,
    IReadOnlyList<SkippedTarget> Skipped);

/// <summary>The source of a previewed event.</summary>
/// <param name="AppId">The source app's <c>_id</c>.</param>
/// <param name="ApplicationUid">The source app's uid.</param>
/// <param name="ApplicationName">The source app's name.</param>
/// <param name="ConnectionId">The outbound connection's <c>_id</c>.</param>
/// <param name="SchemaUri">The schema of the source connection (the event's schema).</param>
/// <param name="Active">Whether the source app's outbound side is active.</param>
public sealed record PreviewSource(
    string AppId, string ApplicationUid, string ApplicationName, string ConnectionId, string SchemaUri, bool Active);

/// <summary>One copy the service would send.</summary>
/// <param name="AppId">The target app's <c>_id</c>.</param>
/// <param name="ApplicationUid">The target app's uid (written into the copy's meta).</param>
/// <param name="ApplicationName">The target app's name.</param>
/// <param name="ConnectionId">The target inbound connection's <c>_id</c>.</param>
/// <param name="FlowId">The target flow.</param>
/// <param name="RoutingKey">The AMQP routing key (and queue) of the copy: <c>dispatch.&lt;flowId&gt;</c>.</param>
/// <param name="SchemaUri">The target connection's schema.</param>
/// <param name="RecordUid">The record's id in the target app (from <c>meta.refs</c>), or null.</param>
/// <param name="Meta">The copy's meta, exactly as it would be sent.</param>
/// <param name="Data">The copy's data (the event's, unchanged).</param>
public sealed record PreviewedDispatch(
    string AppId,
    string ApplicationUid,
    string ApplicationName,
    string ConnectionId,
    string FlowId,
    string RoutingKey,
    string SchemaUri,
    string? RecordUid,
    JsonObject Meta,
    JsonElement? Data);

/// <summary>An inbound connection that matches the event's schema and operation but would receive nothing.</summary>
/// <param name="AppId">The app's <c>_id</c>.</param>
/// <param name="ApplicationUid">The app's uid.</param>
/// <param name="ApplicationName">The app's name.</param>
/// <param name="ConnectionId">The inbound connection's <c>_id</c>.</param>
/// <param name="FlowId">Its flow, or null when it has none yet.</param>
/// <param name="Reason"><c>SourceApp</c>, <c>InboundInactive</c>, <c>NotProvisioned</c> or <c>SourceInactive</c>.</param>
/// <param name="Explanation">The reason in words.</param>
public sealed record SkippedTarget(
    string AppId, string ApplicationUid, string ApplicationName, string ConnectionId, string? FlowId, string Reason, string Explanation);

/// <summary>Handles <see cref="PreviewDispatch"/>.</summary>
public sealed class PreviewDispatchHandler(IConfigurationRepository repository, IRoutingEngine routing)
    : IQueryHandler<PreviewDispatch, DispatchPreview>
{
    /// <inheritdoc />
    public async ValueTask<DispatchPreview> Handle(PreviewDispatch query, CancellationToken cancellationToken)
    {
        var configuration = await repository.RequireAsync(query.Tenant, query.ConfigurationId, cancellationToken);
        return DispatchPreviewer.Preview(routing, configuration, query.Event);
    }
}

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
            DispatchNames.RoutingKey(target.FlowId), connection.SchemaUri.Text, dispatch.RecordUid, meta, data);
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
