using Dispatcher.Infrastructure.FlowRepository;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Health;

/// <summary>
/// The Flow Repository answers: one GET on <see cref="HealthOptions.FlowRepositoryPath"/> below
/// <c>FlowRepository:BaseUrl</c>, without a token and without retries. Any HTTP answer below 500 passes; a 5xx, a
/// refused connection or a timeout fails.
/// </summary>
internal sealed class FlowRepositoryHealthCheck(
    IHttpClientFactory httpClientFactory,
    IOptions<FlowRepositoryOptions> flowRepository,
    IOptions<HealthOptions> health) : IHealthCheck
{
    public const string HttpClientName = "flow-repository-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var baseUrl = flowRepository.Value.BaseUrl!;
        var uri = new Uri(new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/", UriKind.Absolute), health.Value.FlowRepositoryPath);
        try
        {
            using var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            return status < 500
                ? HealthCheckResult.Healthy($"The Flow Repository answers ({status}).")
                : new HealthCheckResult(context.Registration.FailureStatus, $"The Flow Repository answers {status}.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The Flow Repository does not answer: {e.GetType().Name}.", e);
        }
    }
}
