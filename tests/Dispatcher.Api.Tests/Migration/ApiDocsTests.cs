using System.Net;
using Dispatcher.Api.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dispatcher.Api.Tests.Migration;

/// <summary>The Swagger UI at the original's path answers 200 with its HTML, with and without the slash (no redirect).</summary>
public sealed class ApiDocsTests
{
    [TestCase("/api-docs/")]
    [TestCase("/api-docs")]
    [TestCase("/api-docs/index.html")]
    public async Task The_ui_page_is_served_at_once(string path)
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        html.Should().Contain("swagger-ui").And.Contain("<base href=\"/api-docs/\">");
    }

    [Test]
    public async Task The_pages_assets_resolve_under_the_base()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var css = await client.GetAsync("/api-docs/swagger-ui.css");
        using var document = await client.GetAsync("/swagger/v1/swagger.json");

        css.StatusCode.Should().Be(HttpStatusCode.OK);
        document.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
