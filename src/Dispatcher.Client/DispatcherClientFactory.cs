using Refit;

namespace Dispatcher.Client;

/// <summary>Creates an <see cref="IDispatcherClient"/> without dependency injection.</summary>
public static class DispatcherClientFactory
{
    /// <summary>
    /// A client over <paramref name="httpClient"/>, whose <see cref="HttpClient.BaseAddress"/> is the service and whose
    /// handlers authenticate (e.g. a <see cref="DispatcherBearerTokenHandler"/>).
    /// </summary>
    /// <param name="httpClient">The HTTP client to send with.</param>
    /// <returns>The client.</returns>
    public static IDispatcherClient Create(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        return new DispatcherClient(RestService.ForGenerated<IDispatcherApi>(httpClient, DispatcherJson.RefitSettings));
    }
}
