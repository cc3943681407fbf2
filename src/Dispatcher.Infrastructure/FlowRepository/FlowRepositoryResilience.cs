using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>
/// How the standard resilience handler treats Flow Repository calls:
/// <list type="bullet">
/// <item>transient failures are timeouts, network errors, 5xx and 429; a 4xx answer (other than 429) is final and never
/// retried or counted against the circuit;</item>
/// <item>idempotent calls (GET, PATCH, DELETE, start, stop) are retried with exponential back-off and jitter;</item>
/// <item><c>POST /flows</c> creates a flow each time it is processed, so it is retried only when the request provably
/// never reached the repository (no connection could be made, or 429) — a timeout or a 5xx may have created a flow,
/// and a blind retry would leave a duplicate nobody knows the id of;</item>
/// <item>a circuit breaker suspends calls for a while when most attempts fail, and per-attempt and total timeouts bound
/// every call.</item>
/// </list>
/// </summary>
internal static class FlowRepositoryResilience
{
    private static readonly TimeSpan MinimumSamplingDuration = TimeSpan.FromSeconds(30);

    /// <summary>Applies <paramref name="options"/> to the standard pipeline's <paramref name="resilience"/> options.</summary>
    public static void Configure(HttpStandardResilienceOptions resilience, FlowRepositoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(resilience);
        ArgumentNullException.ThrowIfNull(options);
        resilience.TotalRequestTimeout.Timeout = options.Timeout;
        resilience.AttemptTimeout.Timeout = options.AttemptTimeout;

        var retries = options.MaxRetryAttempts;
        resilience.Retry.MaxRetryAttempts = Math.Max(1, retries); // Polly needs at least 1; 0 is honoured below.
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.Delay = options.RetryDelay;
        resilience.Retry.ShouldHandle = args =>
            ValueTask.FromResult(retries > 0 && ShouldRetry(args.Outcome, args.Context.GetRequestMessage()));

        resilience.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsTransientFailure(args.Outcome));
        resilience.CircuitBreaker.FailureRatio = 0.5;
        resilience.CircuitBreaker.MinimumThroughput = 10;
        resilience.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
        // The pipeline requires a sampling window of at least two attempt timeouts.
        var twoAttempts = options.AttemptTimeout * 2;
        resilience.CircuitBreaker.SamplingDuration = twoAttempts > MinimumSamplingDuration ? twoAttempts : MinimumSamplingDuration;
    }

    /// <summary>True for an outcome worth another attempt of <paramref name="request"/>.</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request)
    {
        if (!IsTransientFailure(outcome))
        {
            return false;
        }

        return request is not null && (IsIdempotent(request) || WasNotProcessed(outcome));
    }

    /// <summary>Timeouts, network errors, 5xx and 429; never another 4xx.</summary>
    public static bool IsTransientFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Exception: not null } => false,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests,
        _ => false,
    };

    /// <summary>
    /// True for a call whose repetition leaves the same state as one execution: every method but <c>POST</c>, and the
    /// <c>POST</c>s that only set a status (<c>/start</c>, <c>/stop</c>).
    /// </summary>
    public static bool IsIdempotent(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method != HttpMethod.Post)
        {
            return true;
        }

        var path = request.RequestUri?.IsAbsoluteUri == true
            ? request.RequestUri.AbsolutePath
            : request.RequestUri?.OriginalString ?? string.Empty;
        return path.EndsWith("/start", StringComparison.Ordinal) || path.EndsWith("/stop", StringComparison.Ordinal);
    }

    /// <summary>True when the repository cannot have acted on the request: no connection was made, or it said 429.</summary>
    private static bool WasNotProcessed(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException e } => e.HttpRequestError is HttpRequestError.ConnectionError
            or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
        { Result.StatusCode: HttpStatusCode.TooManyRequests } => true,
        _ => false,
    };
}
