using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dispatcher.Api.Tests;

public sealed class StartupTests
{
    [Test]
    public async Task The_service_starts_on_embedded_defaults_and_serves_its_openapi_document()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();

        using var root = await client.GetAsync("/");
        using var openApi = await client.GetAsync("/swagger/v1/swagger.json");

        root.StatusCode.Should().Be(HttpStatusCode.OK);
        (await root.Content.ReadAsStringAsync()).Should().Contain("dispatcher-service");
        openApi.StatusCode.Should().Be(HttpStatusCode.OK);
        (await openApi.Content.ReadAsStringAsync()).Should().Contain("\"openapi\"");
    }
}
