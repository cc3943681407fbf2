using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Auth.Introspection;

/// <summary>
/// Calls the OIH IAM's "basic" introspection (<c>lib/iam-utils</c>): <c>POST {"token": ...}</c> with the service
/// token as bearer and <c>x-auth-type: basic</c>. Never throws for IAM or transport failures.
/// </summary>
internal sealed class IamIntrospectionClient(HttpClient http, IOptionsMonitor<DispatcherAuthOptions> options)
{
    /// <summary>The name of the <see cref="HttpClient"/> (tests replace its primary handler through it).</summary>
    public const string HttpClientName = "Dispatcher.IamIntrospection";

    public async Task<IntrospectionResult> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Introspection;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Endpoint)
        {
            Content = JsonContent.Create(new IntrospectionRequest(token)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ServiceToken);
        request.Headers.Add("x-auth-type", "basic");

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => await ReadAccountAsync(response, cancellationToken),
                HttpStatusCode.NotFound => IntrospectionResult.Failed(IntrospectionStatus.NotFound, "IAM answered 404"),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => IntrospectionResult.Failed(
                    IntrospectionStatus.Refused, $"IAM answered {(int)response.StatusCode}"),
                _ => IntrospectionResult.Failed(IntrospectionStatus.Unavailable, $"IAM answered {(int)response.StatusCode}"),
            };
        }
        catch (HttpRequestException exception)
        {
            return IntrospectionResult.Failed(IntrospectionStatus.Unavailable, $"IAM unreachable: {exception.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return IntrospectionResult.Failed(
                IntrospectionStatus.Unavailable, $"IAM did not answer within {settings.TimeoutSeconds} s");
        }
    }

    private static async Task<IntrospectionResult> ReadAccountAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? IntrospectionResult.Active(document.RootElement.Clone())
                : IntrospectionResult.Failed(IntrospectionStatus.Unavailable, "IAM answered 200 without an account object");
        }
        catch (JsonException)
        {
            return IntrospectionResult.Failed(IntrospectionStatus.Unavailable, "IAM answered 200 with invalid JSON");
        }
    }

    private sealed record IntrospectionRequest(string Token);
}
