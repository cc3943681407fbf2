using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Dispatches;

/// <summary>Concurrent writes never lose an update: the losers get 409, stale If-Match gets 412.</summary>
public sealed class ConcurrencyTests
{
    [Test]
    public async Task Concurrent_app_additions_never_lose_an_update()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        using var created = await client.PostAsJsonAsync("/dispatches", Configuration("Race"));
        var id = (await created.BodyAsync())["data"]!.Text("id");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            client.PutAsJsonAsync($"/dispatches/{id}/app", App($"app-{i}", $"App {i}", inbound: []))));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK || s == HttpStatusCode.Conflict);
        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        winners.Should().NotBeEmpty();
        var final = (await (await client.GetAsync($"/dispatches/{id}")).BodyAsync())["data"]!;
        final["applications"]!.AsArray().Should().HaveCount(winners.Count, "every 200 is stored and every 409 changed nothing");
        final["version"]!.GetValue<long>().Should().Be(1 + winners.Count);
        foreach (var loser in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await ErrorTests.AssertProblemAsync(loser, HttpStatusCode.Conflict);
        }

        // The flows of the losers were rolled back: only the winners' outbound flows exist.
        FlowIds(final).Should().HaveCount(winners.Count).And.OnlyContain(f => f != null);
        responses.ToList().ForEach(r => r.Dispose());
    }

    [Test]
    public async Task A_stale_if_match_is_412_and_a_current_one_succeeds()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        using var created = await client.PostAsJsonAsync("/dispatches", Configuration("Etag"));
        var id = (await created.BodyAsync())["data"]!.Text("id");
        var etag = created.Headers.ETag!.Tag;
        using var first = await client.PatchJsonAsync($"/dispatches/{id}", Configuration("First"));

        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"/dispatches/{id}") { Content = JsonContent.Create(Configuration("Second")) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        using var staleResponse = await client.SendAsync(stale);
        using var current = new HttpRequestMessage(HttpMethod.Patch, $"/dispatches/{id}") { Content = JsonContent.Create(Configuration("Third")) };
        current.Headers.TryAddWithoutValidation("If-Match", first.Headers.ETag!.Tag);
        using var currentResponse = await client.SendAsync(current);

        await ErrorTests.AssertProblemAsync(staleResponse, HttpStatusCode.PreconditionFailed);
        currentResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        (await currentResponse.BodyAsync())["data"]!.Text("name").Should().Be("Third");
    }
}
