using System.Net;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;

namespace Dispatcher.Api.Tests;

public sealed class StartupTests
{
    [Test]
    public async Task The_service_starts_on_embedded_defaults_and_serves_its_docs_at_the_original_path()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.CreateClient();

        using var root = await client.GetAsync("/");
        using var docs = await client.GetAsync("/api-docs/index.html");
        using var redirect = await factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/docs");

        root.StatusCode.Should().Be(HttpStatusCode.OK);
        (await root.Content.ReadAsStringAsync()).Should().Contain("dispatcher-service");
        docs.StatusCode.Should().Be(HttpStatusCode.OK);
        (await docs.Content.ReadAsStringAsync()).Should().Contain("swagger");
        redirect.Headers.Location!.ToString().Should().Be("/api-docs");
    }

    [Test]
    public async Task The_openapi_document_describes_every_route_the_bearer_scheme_and_the_problem_bodies()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"))!;

        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {path.Key}"));
        operations.Should().BeEquivalentTo(
            "GET /dispatches", "POST /dispatches", "GET /dispatches/{id}", "PATCH /dispatches/{id}", "DELETE /dispatches/{id}",
            "PUT /dispatches/{id}/app", "PATCH /dispatches/{id}/app/{appId}", "DELETE /dispatches/{id}/app/{appId}",
            "POST /dispatches/{id}/preview",
            "POST /events", "GET /events/dispatches", "GET /admin/error-queue", "POST /admin/error-queue/redrive");
        document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>().Should().Be("bearer");
        var post = document["paths"]!["/dispatches"]!["post"]!["responses"]!;
        post["201"]!["content"]!["application/json"].Should().NotBeNull();
        post["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>().Should().EndWith("ProblemResponse");
        document["components"]!["schemas"]!["ProblemResponse"]!["properties"]!["errors"].Should().NotBeNull();
        // An example on the property would be copied into outbound connections too, which refuse an operation (issue #12);
        // the request examples live on the operations (OpenApiDocumentTests posts them).
        document["components"]!["schemas"]!["ConnectionInput"]!["properties"]!["operation"]!["example"].Should().BeNull();
        document["paths"]!["/dispatches"]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"].Should().NotBeNull();
    }
}
