using System.Net;
using Dispatcher.Infrastructure.FlowRepository;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Dispatcher.Infrastructure.Tests.FlowRepository;

/// <summary>The retry decision, outcome by outcome and call by call.</summary>
public sealed class FlowRepositoryResilienceTests
{
    private const string Base = "http://flow-repository:3001/api";

    [TestCase("GET", "/flows/5f0000000000000000000000", true)]
    [TestCase("PATCH", "/flows/5f0000000000000000000000", true)]
    [TestCase("DELETE", "/flows/5f0000000000000000000000", true)]
    [TestCase("POST", "/flows/5f0000000000000000000000/start", true)]
    [TestCase("POST", "/flows/5f0000000000000000000000/stop", true)]
    [TestCase("POST", "/flows", false)]
    [TestCase("POST", "/flows?x=/start", false)]
    public void Only_the_create_is_not_idempotent(string method, string path, bool expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Base + path);

        FlowRepositoryResilience.IsIdempotent(request).Should().Be(expected);
    }

    [TestCase(500, true)]
    [TestCase(502, true)]
    [TestCase(503, true)]
    [TestCase(504, true)]
    [TestCase(429, true)]
    [TestCase(400, false)]
    [TestCase(401, false)]
    [TestCase(403, false)]
    [TestCase(404, false)]
    [TestCase(408, false)]
    [TestCase(409, false)]
    [TestCase(200, false)]
    public void Answers_are_transient_only_when_5xx_or_429(int status, bool expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        FlowRepositoryResilience.IsTransientFailure(Outcome.FromResult(response)).Should().Be(expected);
    }

    [Test]
    public void Timeouts_and_network_errors_are_transient_an_open_circuit_and_a_cancellation_are_not()
    {
        FlowRepositoryResilience.IsTransientFailure(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())).Should().BeTrue();
        FlowRepositoryResilience.IsTransientFailure(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("reset"))).Should().BeTrue();
        FlowRepositoryResilience.IsTransientFailure(Outcome.FromException<HttpResponseMessage>(new BrokenCircuitException())).Should().BeFalse();
        FlowRepositoryResilience.IsTransientFailure(Outcome.FromException<HttpResponseMessage>(new OperationCanceledException())).Should().BeFalse();
    }

    [TestCase(HttpRequestError.ConnectionError, true)]
    [TestCase(HttpRequestError.NameResolutionError, true)]
    [TestCase(HttpRequestError.SecureConnectionError, true)]
    [TestCase(HttpRequestError.ResponseEnded, false)]
    [TestCase(HttpRequestError.Unknown, false)]
    public void A_create_is_retried_after_a_network_error_only_when_no_connection_was_made(HttpRequestError error, bool expected)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, Base + "/flows");
        using var get = new HttpRequestMessage(HttpMethod.Get, Base + "/flows/5f0000000000000000000000");
        var outcome = Outcome.FromException<HttpResponseMessage>(new HttpRequestException(error, "failed"));

        FlowRepositoryResilience.ShouldRetry(outcome, create).Should().Be(expected);
        FlowRepositoryResilience.ShouldRetry(outcome, get).Should().BeTrue();
    }

    [TestCase(500, false)]
    [TestCase(503, false)]
    [TestCase(429, true)]
    public void A_create_is_retried_after_an_answer_only_when_it_was_refused_unprocessed(int status, bool expected)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, Base + "/flows");
        using var response = new HttpResponseMessage((HttpStatusCode)status);

        FlowRepositoryResilience.ShouldRetry(Outcome.FromResult(response), create).Should().Be(expected);
    }

    [Test]
    public void A_create_that_timed_out_is_never_retried()
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, Base + "/flows");

        FlowRepositoryResilience.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException()), create)
            .Should().BeFalse("the repository may have created the flow; a second POST would duplicate it");
    }
}
