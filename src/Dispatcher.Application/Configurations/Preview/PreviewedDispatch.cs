using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dispatcher.Application.Configurations.Preview;

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
