using System.Text.Json;
using Dispatcher.Client.Models;
using Refit;

namespace Dispatcher.Client;

/// <summary>The REST routes, one method each (Refit). <see cref="DispatcherClient"/> is the public face.</summary>
internal interface IDispatcherApi
{
    [Get("/dispatches")]
    Task<IApiResponse<Envelope<IReadOnlyList<DispatchConfiguration>>>> List(CancellationToken cancellationToken);

    [Get("/dispatches/{id}")]
    Task<IApiResponse<Envelope<DispatchConfiguration>>> Get(string id, CancellationToken cancellationToken);

    [Post("/dispatches")]
    Task<IApiResponse<Envelope<DispatchConfiguration>>> Create([Body] DispatchConfigurationInput body, CancellationToken cancellationToken);

    [Patch("/dispatches/{id}")]
    Task<IApiResponse<Envelope<DispatchConfiguration>>> Replace(
        string id, [Body] DispatchConfigurationInput body, [Header("If-Match")] string? ifMatch, CancellationToken cancellationToken);

    [Delete("/dispatches/{id}")]
    Task<IApiResponse<Envelope<DeletionResult>>> Delete(string id, [Header("If-Match")] string? ifMatch, CancellationToken cancellationToken);

    [Put("/dispatches/{id}/app")]
    Task<IApiResponse<Envelope<DispatchConfiguration>>> AddApps(
        string id, [Body] IReadOnlyList<DispatchAppInput> apps, [Header("If-Match")] string? ifMatch, CancellationToken cancellationToken);

    [Patch("/dispatches/{id}/app/{appId}")]
    Task<IApiResponse<Envelope<DispatchConfiguration>>> UpdateApp(
        string id, string appId, [Body] DispatchAppPatch patch, [Header("If-Match")] string? ifMatch, CancellationToken cancellationToken);

    [Delete("/dispatches/{id}/app/{appId}")]
    Task<IApiResponse<Envelope<DispatchConfiguration>>> RemoveApp(
        string id, string appId, [Header("If-Match")] string? ifMatch, CancellationToken cancellationToken);

    [Post("/dispatches/{id}/preview")]
    Task<IApiResponse<Envelope<DispatchPreview>>> Preview(string id, [Body] JsonElement sampleEvent, CancellationToken cancellationToken);

    [Post("/events")]
    Task<IApiResponse<Envelope<DispatchResult>>> PublishEvent([Body] JsonElement recordEvent, CancellationToken cancellationToken);

    [Get("/events/dispatches")]
    Task<IApiResponse<Envelope<IReadOnlyList<PublishedDispatch>>>> RecentDispatches(CancellationToken cancellationToken);

    [Get("/admin/error-queue")]
    Task<IApiResponse<Envelope<IReadOnlyList<ErrorQueueMessage>>>> ErrorQueue(string? queue, int? max, CancellationToken cancellationToken);

    [Post("/admin/error-queue/redrive")]
    Task<IApiResponse<Envelope<RedriveResult>>> Redrive(string? queue, string? targetFlowId, string? sourceFlowId, int? max, CancellationToken cancellationToken);

    [Get("/health/ready")]
    Task<HttpResponseMessage> Readiness(CancellationToken cancellationToken);
}
