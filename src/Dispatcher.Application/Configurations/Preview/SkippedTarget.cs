namespace Dispatcher.Application.Configurations.Preview;

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
