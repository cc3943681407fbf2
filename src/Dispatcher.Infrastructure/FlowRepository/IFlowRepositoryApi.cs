using Refit;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>
/// The Flow Repository routes the dispatcher calls. Every call carries <c>Authorization: Bearer &lt;token&gt;</c> from
/// its <c>token</c> argument and answers an <see cref="IApiResponse"/>, so status codes are checked by the caller
/// (<see cref="FlowRepositoryProvisioner"/>) rather than thrown.
/// </summary>
internal interface IFlowRepositoryApi
{
    /// <summary><c>POST /flows</c>: creates an inactive flow; 201 with the flow.</summary>
    [Post("/flows")]
    Task<IApiResponse<FlowEnvelope<FlowDocument>>> CreateAsync(
        [Body] FlowDocument flow, [Authorize] string token, CancellationToken cancellationToken);

    /// <summary><c>PATCH /flows/{id}</c>: merges the body over an inactive flow; 409 when it is not inactive.</summary>
    [Patch("/flows/{id}")]
    Task<IApiResponse<FlowEnvelope<FlowDocument>>> UpdateAsync(
        string id, [Body] FlowDocument flow, [Authorize] string token, CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET /flows?page[size]=…&amp;page[number]=…</c>: one page of the flows the token sees (every flow for a token
    /// with <c>all</c>); 404 when the page is empty.
    /// </summary>
    [Get("/flows")]
    Task<IApiResponse<FlowEnvelope<List<FlowDocument>>>> ListAsync(
        [AliasAs("page[size]")] int pageSize, [AliasAs("page[number]")] int pageNumber, [Authorize] string token, CancellationToken cancellationToken);

    /// <summary><c>GET /flows/{id}</c>: the flow; 404 when it does not exist (or is not visible to the token).</summary>
    [Get("/flows/{id}")]
    Task<IApiResponse<FlowEnvelope<FlowDocument>>> GetAsync(
        string id, [Authorize] string token, CancellationToken cancellationToken);

    /// <summary><c>POST /flows/{id}/start</c>: sets <c>starting</c>; answers <c>{id, status}</c>.</summary>
    [Post("/flows/{id}/start")]
    Task<IApiResponse<FlowEnvelope<FlowDocument>>> StartAsync(
        string id, [Authorize] string token, CancellationToken cancellationToken);

    /// <summary><c>POST /flows/{id}/stop</c>: sets <c>stopping</c>; answers <c>{id, status}</c>.</summary>
    [Post("/flows/{id}/stop")]
    Task<IApiResponse<FlowEnvelope<FlowDocument>>> StopAsync(
        string id, [Authorize] string token, CancellationToken cancellationToken);

    /// <summary><c>DELETE /flows/{id}</c>: 200 <c>{msg}</c>; 404 when gone; 409 unless the flow is inactive.</summary>
    [Delete("/flows/{id}")]
    Task<IApiResponse> DeleteAsync(string id, [Authorize] string token, CancellationToken cancellationToken);
}
