using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dispatcher.Client.Models;

/// <summary>
/// The routing outcomes the service names (<see cref="DispatchResult.Outcome"/>, <see cref="DispatchPreview.Outcome"/>).
/// Kept as strings in the models so that a newer service's outcome never breaks an older client.
/// </summary>
public static class RoutingOutcomes
{
    /// <summary>At least one target receives a copy.</summary>
    public const string Routed = "Routed";

    /// <summary>No configuration has an outbound connection with the event's flow id.</summary>
    public const string UnknownSource = "UnknownSource";

    /// <summary>The source app's outbound side is inactive.</summary>
    public const string SourceInactive = "SourceInactive";

    /// <summary>No other app has an active inbound connection with the same schema and operation.</summary>
    public const string NoMatchingTarget = "NoMatchingTarget";
}

/// <summary>
/// A record event in its short form: the source flow, the operation, and optionally the record's meta and data.
/// The client sends it as the preview's short form, or turns it into the event bus's
/// <c>{"headers":{"name":"data-hub.record.…"},"payload":{"meta":…,"data":…}}</c> for <c>POST /events</c>.
/// </summary>
public sealed record SampleRecordEvent
{
    /// <summary>The outbound flow the record comes from (<c>meta.flowId</c>).</summary>
    public required string FlowId { get; init; }

    /// <summary><c>CREATE</c>, <c>UPDATE</c> or <c>DELETE</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>The record's meta (a JSON object, e.g. with <c>refs</c>), if any.</summary>
    public JsonElement? Meta { get; init; }

    /// <summary>The record itself, if any.</summary>
    public JsonElement? Data { get; init; }
}

/// <summary>What the service did with a posted record event.</summary>
/// <param name="Outcome">One of <see cref="RoutingOutcomes"/>.</param>
/// <param name="Dispatched">How many copies were sent.</param>
public sealed record DispatchResult(string Outcome, int Dispatched);

/// <summary>A copy the service published (embedded mode), exactly as the bus would carry it.</summary>
/// <param name="RoutingKey">The AMQP routing key: <c>dispatch.&lt;flowId&gt;</c>.</param>
/// <param name="MessageId">The copy's deterministic message id.</param>
/// <param name="ConfigurationId">The configuration that routed it.</param>
/// <param name="Body">The message body (JSON text, the event bus's format).</param>
/// <param name="PublishedAt">When it was published.</param>
public sealed record PublishedDispatch(string RoutingKey, Guid MessageId, string ConfigurationId, string Body, DateTimeOffset PublishedAt);

/// <summary>What the service would do with a sample record event (a dry run; nothing is sent).</summary>
/// <param name="Outcome">One of <see cref="RoutingOutcomes"/>.</param>
/// <param name="Reason">In words: where the copies go, or why nothing would be sent.</param>
/// <param name="SourceFlowId">The event's source flow.</param>
/// <param name="Operation"><c>CREATE</c>, <c>UPDATE</c> or <c>DELETE</c>.</param>
/// <param name="Source">The outbound connection the event comes from, or null when the flow is not the configuration's.</param>
/// <param name="Dispatches">The copies that would be sent, in sending order.</param>
/// <param name="Skipped">Inbound connections with the right schema and operation that would get no copy, each with why.</param>
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
/// <param name="SchemaUri">The event's schema.</param>
/// <param name="Active">Whether the source app's outbound side is active.</param>
public sealed record PreviewSource(string AppId, string ApplicationUid, string ApplicationName, string ConnectionId, string SchemaUri, bool Active);

/// <summary>One copy the service would send.</summary>
/// <param name="AppId">The target app's <c>_id</c>.</param>
/// <param name="ApplicationUid">The target app's uid.</param>
/// <param name="ApplicationName">The target app's name.</param>
/// <param name="ConnectionId">The target inbound connection's <c>_id</c>.</param>
/// <param name="FlowId">The target flow.</param>
/// <param name="RoutingKey">The AMQP routing key of the copy.</param>
/// <param name="SchemaUri">The target connection's schema.</param>
/// <param name="RecordUid">The record's id in the target app, or null.</param>
/// <param name="Meta">The copy's meta, exactly as it would be sent.</param>
/// <param name="Data">The copy's data.</param>
public sealed record PreviewedDispatch(
    string AppId,
    string ApplicationUid,
    string ApplicationName,
    string ConnectionId,
    string FlowId,
    string RoutingKey,
    string SchemaUri,
    string? RecordUid,
    JsonElement Meta,
    JsonElement? Data);

/// <summary>An inbound connection that matches the event but would receive nothing.</summary>
/// <param name="AppId">The app's <c>_id</c>.</param>
/// <param name="ApplicationUid">The app's uid.</param>
/// <param name="ApplicationName">The app's name.</param>
/// <param name="ConnectionId">The inbound connection's <c>_id</c>.</param>
/// <param name="FlowId">Its flow, or null when it has none yet.</param>
/// <param name="Reason"><c>SourceApp</c>, <c>InboundInactive</c>, <c>NotProvisioned</c> or <c>SourceInactive</c>.</param>
/// <param name="Explanation">The reason in words.</param>
public sealed record SkippedTarget(
    string AppId, string ApplicationUid, string ApplicationName, string ConnectionId, string? FlowId, string Reason, string Explanation);

/// <summary>The service's error queues: where failed messages of each entry point wait.</summary>
public enum ErrorQueueKind
{
    /// <summary>Platform events from the event bus (<c>events</c>; <c>Messaging:Queue</c> + <c>_error</c>).</summary>
    [JsonStringEnumMemberName("events")]
    Events = 1,

    /// <summary>The .NET <c>RecordChanged</c> contract (<c>contracts</c>; <c>Messaging:Queue</c> + <c>-record-changed_error</c>).</summary>
    [JsonStringEnumMemberName("contracts")]
    Contracts = 2,
}

/// <summary>A failed message in an error queue.</summary>
/// <param name="MessageId">The message id, if any.</param>
/// <param name="EventName">The event name from the body (a contract: its message type), if readable.</param>
/// <param name="SourceFlowId">The source flow, if readable.</param>
/// <param name="Reason">Why it failed.</param>
/// <param name="ExceptionType">The failure's exception type.</param>
public sealed record ErrorQueueMessage(string? MessageId, string? EventName, string? SourceFlowId, string? Reason, string? ExceptionType)
{
    /// <summary>Which error queue it is in (null from a service older than the <c>queue</c> field).</summary>
    public ErrorQueueKind? Queue { get; init; }

    /// <summary>The error queue's name on the broker (null from a service older than the <c>errorQueue</c> field).</summary>
    public string? ErrorQueue { get; init; }
}

/// <summary>What a redrive did: the totals over the error queues it covered, and each queue's part.</summary>
/// <param name="Moved">Messages moved back to the queue they failed in.</param>
/// <param name="Kept">Messages that did not match the filter and stay in their error queue.</param>
public sealed record RedriveResult(int Moved, int Kept)
{
    /// <summary>Each error queue covered, in the order it was handled (empty from a service older than the <c>queues</c> field).</summary>
    public IReadOnlyList<QueueRedriveResult> Queues { get; init; } = [];
}

/// <summary>What a redrive did in one error queue.</summary>
/// <param name="Queue">Which error queue.</param>
/// <param name="ErrorQueue">Its name on the broker.</param>
/// <param name="ReturnQueue">The queue its messages were moved back to (the one they failed in).</param>
/// <param name="Moved">Messages moved back.</param>
/// <param name="Kept">Messages that did not match the filter and stay.</param>
public sealed record QueueRedriveResult(ErrorQueueKind Queue, string ErrorQueue, string ReturnQueue, int Moved, int Kept);

/// <summary>The service's readiness (<c>GET /health/ready</c>).</summary>
public sealed record DispatcherHealthReport
{
    /// <summary><c>Healthy</c>, <c>Degraded</c> or <c>Unhealthy</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The service's version.</summary>
    public string? Version { get; init; }

    /// <summary>Each checked component (store, broker, …) with its status and details, as the service reports them.</summary>
    public IReadOnlyDictionary<string, JsonElement> Components { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>True unless the status is <c>Unhealthy</c> (the service then answers 503).</summary>
    public bool IsReady => !string.Equals(Status, "Unhealthy", StringComparison.OrdinalIgnoreCase);
}
