using System.Net;
using System.Text.Json;
using Dispatcher.Api.Errors;

namespace Dispatcher.Api.Tests.Auth;

internal static class ProblemAssertions
{
    /// <summary>Asserts an <see cref="ApiProblem"/> body with <paramref name="status"/> and <paramref name="detail"/>.</summary>
    public static async Task ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be(ApiProblem.ContentType);

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        root.GetProperty("status").GetInt32().Should().Be((int)status);
        root.GetProperty("title").GetString().Should().Be(status == HttpStatusCode.Unauthorized ? "Unauthorized" : "Forbidden");
        root.GetProperty("detail").GetString().Should().Be(detail);
        var error = root.GetProperty("errors")[0];
        error.GetProperty("code").GetInt32().Should().Be((int)status);
        error.GetProperty("message").GetString().Should().Be(detail);
    }

    /// <summary>Asserts a 401 problem with a <c>WWW-Authenticate: Bearer</c> challenge.</summary>
    public static async Task ShouldBeUnauthorizedAsync(this HttpResponseMessage response, string detail)
    {
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, detail);
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
    }
}
