namespace Dispatcher.Application.Configurations.Preview;

/// <summary>The source of a previewed event.</summary>
/// <param name="AppId">The source app's <c>_id</c>.</param>
/// <param name="ApplicationUid">The source app's uid.</param>
/// <param name="ApplicationName">The source app's name.</param>
/// <param name="ConnectionId">The outbound connection's <c>_id</c>.</param>
/// <param name="SchemaUri">The schema of the source connection (the event's schema).</param>
/// <param name="Active">Whether the source app's outbound side is active.</param>
public sealed record PreviewSource(
    string AppId, string ApplicationUid, string ApplicationName, string ConnectionId, string SchemaUri, bool Active);
