using System.Net;
using Dispatcher.Api.Tests.Support;

namespace Dispatcher.Api.Tests.Migration;

/// <summary>
/// CORS through the running host: preflights answered 204 with the allowed origin, methods, headers and credentials;
/// a refused origin gets no <c>Access-Control-Allow-Origin</c>; no origins configured: no CORS; under the original
/// variables, the original's behaviour (any origin reflected, credentials).
/// </summary>
[NonParallelizable]
public sealed class CorsTests
{
    private const string Ui = "https://ui.example.com";

    [Test]
    public async Task A_preflight_from_an_allowed_origin_is_answered_204_with_the_cors_headers()
    {
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?>
        {
            ["Cors:AllowedOrigins:0"] = Ui,
            ["Cors:AllowCredentials"] = "true",
        });
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(Preflight(Ui, "PATCH"));

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        Header(response, "Access-Control-Allow-Origin").Should().Be(Ui);
        Header(response, "Access-Control-Allow-Credentials").Should().Be("true");
        Header(response, "Access-Control-Allow-Methods").Should().Contain("PATCH");
        Header(response, "Access-Control-Allow-Headers").Should().Contain("authorization");
    }

    [Test]
    public async Task A_refused_origin_gets_no_allow_origin_header_on_the_preflight_nor_on_the_request()
    {
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = Ui });
        using var client = factory.ClientFor("tenant-a");

        using var preflight = await client.SendAsync(Preflight("https://evil.example.org", "DELETE"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dispatches");
        request.Headers.Add("Origin", "https://evil.example.org");
        using var actual = await client.SendAsync(request);

        preflight.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
        actual.StatusCode.Should().Be(HttpStatusCode.OK, "CORS is enforced by the browser; the server only withholds the headers");
        actual.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    [Test]
    public async Task An_actual_request_from_an_allowed_origin_carries_the_allow_origin_and_exposed_headers()
    {
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = Ui });
        using var client = factory.ClientFor("tenant-a");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dispatches");
        request.Headers.Add("Origin", Ui);

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(response, "Access-Control-Allow-Origin").Should().Be(Ui);
        response.Headers.Contains("Access-Control-Allow-Credentials").Should().BeFalse("credentials are not allowed by default");
        Header(response, "Access-Control-Expose-Headers").Should().Contain("ETag");
    }

    [Test]
    public async Task Without_origins_there_is_no_cors()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(Preflight(Ui, "POST"));

        response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
        response.StatusCode.Should().NotBe(HttpStatusCode.NoContent);
    }

    [Test]
    public async Task Under_the_original_variables_any_origin_is_reflected_with_credentials_unless_set_otherwise()
    {
        Environment.SetEnvironmentVariable("FLOW_TOKEN", "legacy-token");
        try
        {
            using (var factory = new DispatcherApiFactory())
            using (var client = factory.CreateClient())
            using (var response = await client.SendAsync(Preflight("http://web-ui.oih.local:3000", "PATCH")))
            {
                response.StatusCode.Should().Be(HttpStatusCode.NoContent);
                Header(response, "Access-Control-Allow-Origin").Should().Be("http://web-ui.oih.local:3000");
                Header(response, "Access-Control-Allow-Credentials").Should().Be("true");
            }

            using (var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = Ui }))
            using (var client = factory.CreateClient())
            using (var response = await client.SendAsync(Preflight("http://web-ui.oih.local:3000", "PATCH")))
            {
                response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse("an explicit origin list wins over the deployment default");
            }

            using (var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = string.Empty }))
            using (var client = factory.CreateClient())
            using (var response = await client.SendAsync(Preflight("http://web-ui.oih.local:3000", "PATCH")))
            {
                response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse("an empty entry switches CORS off");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLOW_TOKEN", null);
        }
    }

    private static HttpRequestMessage Preflight(string origin, string method)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/dispatches");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : string.Empty;
}
