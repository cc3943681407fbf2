using System.Text.Json;
using Dispatcher.Client.Models;

namespace Dispatcher.Client;

/// <summary>
/// The dispatcher's REST API. Every method throws <see cref="DispatcherApiException"/> when the service answers with
/// an error (its problem body: status, title, detail, errors). Writes take an optional <c>expectedVersion</c>
/// (sent as <c>If-Match</c>): when the stored configuration has another version, the service answers 412 and
/// nothing is written. Get one with <c>services.AddDispatcherClient(…)</c>
/// or <see cref="DispatcherClientFactory.Create(HttpClient)"/>.
/// </summary>
public interface IDispatcherClient
{
    /// <summary>Lists the tenant's configurations, oldest first (<c>GET /dispatches</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The configurations (empty when there are none).</returns>
    Task<IReadOnlyList<DispatchConfiguration>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads one configuration (<c>GET /dispatches/{id}</c>).</summary>
    /// <param name="id">The configuration id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The configuration with its version.</returns>
    Task<DispatcherResponse<DispatchConfiguration>> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Stores a new configuration; the service provisions a flow for every connection (<c>POST /dispatches</c>).</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored configuration (with ids and flow ids) and its version.</returns>
    Task<DispatcherResponse<DispatchConfiguration>> CreateAsync(DispatchConfigurationInput configuration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces name, data model and apps (<c>PATCH /dispatches/{id}</c>). Apps and connections sent with their ids
    /// keep them and their flows (see <see cref="DispatchConfiguration.ToInput()"/>).
    /// </summary>
    /// <param name="id">The configuration id.</param>
    /// <param name="configuration">The new content.</param>
    /// <param name="expectedVersion">Write only if the stored version is this one (<c>If-Match</c>); null writes unconditionally.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored configuration and its new version.</returns>
    Task<DispatcherResponse<DispatchConfiguration>> ReplaceAsync(
        string id, DispatchConfigurationInput configuration, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a configuration and its flows (<c>DELETE /dispatches/{id}</c>).</summary>
    /// <param name="id">The configuration id.</param>
    /// <param name="expectedVersion">Delete only if the stored version is this one (<c>If-Match</c>); null deletes unconditionally.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The deletion result; <see cref="DispatcherResponse{T}.PendingCleanup"/> names flows not removed yet.</returns>
    Task<DispatcherResponse<DeletionResult>> DeleteAsync(string id, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Adds apps to a configuration and provisions their flows (<c>PUT /dispatches/{id}/app</c>).</summary>
    /// <param name="id">The configuration id.</param>
    /// <param name="apps">The apps to add.</param>
    /// <param name="expectedVersion">Write only if the stored version is this one (<c>If-Match</c>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored configuration and its new version.</returns>
    Task<DispatcherResponse<DispatchConfiguration>> AddAppsAsync(
        string id, IEnumerable<DispatchAppInput> apps, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Changes one app partially (<c>PATCH /dispatches/{id}/app/{appId}</c>); null members stay as they are.</summary>
    /// <param name="id">The configuration id.</param>
    /// <param name="appId">The app's id (<c>_id</c>).</param>
    /// <param name="patch">The change.</param>
    /// <param name="expectedVersion">Write only if the stored version is this one (<c>If-Match</c>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored configuration and its new version.</returns>
    Task<DispatcherResponse<DispatchConfiguration>> UpdateAppAsync(
        string id, string appId, DispatchAppPatch patch, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Removes one app and its flows (<c>DELETE /dispatches/{id}/app/{appId}</c>).</summary>
    /// <param name="id">The configuration id.</param>
    /// <param name="appId">The app's id (<c>_id</c>).</param>
    /// <param name="expectedVersion">Write only if the stored version is this one (<c>If-Match</c>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The stored configuration and its new version.</returns>
    Task<DispatcherResponse<DispatchConfiguration>> RemoveAppAsync(
        string id, string appId, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Shows the copies the service would send for a sample event, without sending anything (<c>POST /dispatches/{id}/preview</c>).</summary>
    /// <param name="id">The configuration id.</param>
    /// <param name="sample">The sample event (sent in the short form).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The preview.</returns>
    Task<DispatchPreview> PreviewAsync(string id, SampleRecordEvent sample, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="PreviewAsync"/>, with the sample event as JSON in either form the service accepts.</summary>
    /// <param name="id">The configuration id.</param>
    /// <param name="sampleEvent">The event: the event bus's form or the short form.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The preview.</returns>
    Task<DispatchPreview> PreviewJsonAsync(string id, JsonElement sampleEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Dispatches one record event through the service (<c>POST /events</c>; embedded mode only, 404 with a broker).
    /// The event is sent in the event bus's form.
    /// </summary>
    /// <param name="recordEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The routing outcome and how many copies were sent.</returns>
    Task<DispatchResult> PublishEventAsync(SampleRecordEvent recordEvent, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="PublishEventAsync"/>, with the event as JSON in the event bus's form.</summary>
    /// <param name="recordEvent">The event, e.g. <c>{"headers":{"name":"data-hub.record.created"},"payload":{"meta":{"flowId":"…"},"data":{}}}</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The routing outcome and how many copies were sent.</returns>
    Task<DispatchResult> PublishEventJsonAsync(JsonElement recordEvent, CancellationToken cancellationToken = default);

    /// <summary>The latest copies published for the tenant's configurations (<c>GET /events/dispatches</c>; embedded mode only).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The copies, oldest first.</returns>
    Task<IReadOnlyList<PublishedDispatch>> ListRecentDispatchesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists failed messages of one error queue, or of both when <paramref name="queue"/> is null
    /// (<c>GET /admin/error-queue?queue=events|contracts</c>; needs an admin token and a broker); each says which
    /// queue it is in.
    /// </summary>
    /// <param name="queue">Only this error queue; null: both (the event bus's first).</param>
    /// <param name="max">At most this many per error queue (the service's default when null).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The failed messages; nothing is removed.</returns>
    Task<IReadOnlyList<ErrorQueueMessage>> ListErrorQueueAsync(
        ErrorQueueKind? queue = null, int? max = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves failed messages of one error queue, or of both when <paramref name="queue"/> is null, back to the queue
    /// they failed in (<c>POST /admin/error-queue/redrive?queue=events|contracts</c>): all, or only those about
    /// <paramref name="targetFlowId"/> and/or from <paramref name="sourceFlowId"/>.
    /// </summary>
    /// <param name="queue">Only this error queue; null: both.</param>
    /// <param name="targetFlowId">Only failures concerning this target flow.</param>
    /// <param name="sourceFlowId">Only messages from this source flow.</param>
    /// <param name="max">At most this many looked at per error queue (the service's default when null).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The totals and each error queue's part (<see cref="RedriveResult.Queues"/>).</returns>
    Task<RedriveResult> RedriveErrorQueueAsync(
        ErrorQueueKind? queue = null, string? targetFlowId = null, string? sourceFlowId = null, int? max = null, CancellationToken cancellationToken = default);

    /// <summary>The service's readiness (<c>GET /health/ready</c>; no token needed). An unready service is a report, not an exception.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The readiness report.</returns>
    Task<DispatcherHealthReport> GetReadinessAsync(CancellationToken cancellationToken = default);
}
