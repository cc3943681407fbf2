using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Hostile;

/// <summary>
/// The requests that answered 500 in the hostile-client review (issue #12), and their kin: each gets a precise 4xx
/// problem, and none of them stores anything.
/// </summary>
[NonParallelizable]
public sealed class HostileInputTests
{
    private const string Surrogate = "\\ud800";
    private const string LowSurrogate = "\\udc00";

    private DispatcherApiFactory _factory = null!;
    private HttpClient _client = null!;
    private string _id = null!;
    private string _appId = null!;
    private string _sourceFlow = null!;
    private string _stored = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _factory = new DispatcherApiFactory();
        _client = _factory.ClientFor("tenant-hostile");
        using var created = await _client.PostAsJsonAsync("/dispatches", Configuration("Target", App("a1", "A one"), App("b1", "B one")));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var data = (await created.BodyAsync())["data"]!;
        _id = data.Text("id");
        _appId = data["applications"]![0]!.Text("_id");
        _sourceFlow = data["applications"]![0]!["outbound"]!["flows"]![0]!.Text("flowId");
        _stored = await ListAsync();
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private static string Event(string name = "data-hub.record.created", string meta = "\"flowId\":\"FLOW\"", string data = "{}") =>
        ("{\"headers\":{\"name\":\"" + (name) + "\"},\"payload\":{\"meta\":{ " + (meta) + " },\"data\":" + (data) + " } }");

    private static string ConfigWithFields(string fields) =>
        $$"""{"name":"n","applications":[{"applicationName":"A","applicationUid":"a","fields":{{fields}}}]}""";

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>(method, path, content type, body, expected status).</summary>
    private static IEnumerable<TestCaseData> Cases()
    {
        const string Json = "application/json";
        TestCaseData Case(string name, string method, string path, string? contentType, string body, HttpStatusCode status) =>
            new TestCaseData(method, path, contentType, body, status).SetName($"{name} → {(int)status}");

        // POST /events with a body that is not an object, headers not an object, headers.name not a string.
        foreach (var body in new[] { "[]", "true", "123", "\"s\"", "null", "false", "[{}]" })
        {
            yield return Case($"events body {body}", "POST", "/events", Json, body, HttpStatusCode.BadRequest);
        }

        foreach (var headers in new[] { "[]", "\"x\"", "1", "true", "[{\"name\":\"data-hub.record.created\"}]" })
        {
            yield return Case($"events headers {headers}", "POST", "/events", Json, ("{\"headers\":" + (headers) + ",\"payload\":{\"meta\":{\"flowId\":\"FLOW\"}} }"), HttpStatusCode.BadRequest);
        }

        foreach (var name in new[] { "1", "{}", "[]", "true", "1.5" })
        {
            yield return Case($"events headers.name {name}", "POST", "/events", Json, ("{\"headers\":{\"name\":" + (name) + " },\"payload\":{\"meta\":{\"flowId\":\"FLOW\"}} }"), HttpStatusCode.BadRequest);
        }

        foreach (var payload in new[] { "[]", "1", "\"p\"", "{\"meta\":[]}", "{\"meta\":{\"flowId\":1}}" })
        {
            yield return Case($"events payload {payload}", "POST", "/events", Json, $$"""{"headers":{"name":"data-hub.record.created"},"payload":{{payload}}}""", HttpStatusCode.BadRequest);
        }

        // Lone surrogates, escaped, wherever a string can be.
        foreach (var lone in new[] { Surrogate, LowSurrogate, "a" + Surrogate + "b", LowSurrogate + Surrogate })
        {
            yield return Case($"dispatches fields key {lone}", "POST", "/dispatches", Json, ConfigWithFields($$"""{"{{lone}}":1}"""), HttpStatusCode.BadRequest);
            yield return Case($"dispatches fields value {lone}", "POST", "/dispatches", Json, ConfigWithFields($$"""{"k":"{{lone}}"}"""), HttpStatusCode.BadRequest);
            yield return Case($"dispatches name {lone}", "POST", "/dispatches", Json, $$"""{"name":"{{lone}}"}""", HttpStatusCode.BadRequest);
            yield return Case($"preview flowId {lone}", "POST", "/dispatches/ID/preview", Json, $$"""{"flowId":"{{lone}}","operation":"CREATE"}""", HttpStatusCode.BadRequest);
            yield return Case($"preview meta key {lone}", "POST", "/dispatches/ID/preview", Json, ("{\"flowId\":\"FLOW\",\"operation\":\"CREATE\",\"meta\":{\"" + (lone) + "\":1}}"), HttpStatusCode.BadRequest);
            yield return Case($"preview meta value {lone}", "POST", "/dispatches/ID/preview", Json, ("{\"flowId\":\"FLOW\",\"operation\":\"CREATE\",\"meta\":{\"x\":\"" + (lone) + "\"}}"), HttpStatusCode.BadRequest);
            yield return Case($"preview data {lone}", "POST", "/dispatches/ID/preview", Json, ("{\"flowId\":\"FLOW\",\"operation\":\"CREATE\",\"data\":{\"x\":[\"" + (lone) + "\"]}}"), HttpStatusCode.BadRequest);
            yield return Case($"events meta key {lone}", "POST", "/events", Json, Event(meta: $$"""  "flowId":"FLOW","{{lone}}":1"""), HttpStatusCode.BadRequest);
            yield return Case($"events headers.name {lone}", "POST", "/events", Json, Event(name: lone), HttpStatusCode.BadRequest);
            yield return Case($"app patch {lone}", "PATCH", "/dispatches/ID/app/APP", Json, $$"""{"applicationName":"{{lone}}"}""", HttpStatusCode.BadRequest);
            yield return Case($"add app {lone}", "PUT", "/dispatches/ID/app", Json, $$"""{"applicationName":"x","applicationUid":"{{lone}}"}""", HttpStatusCode.BadRequest);
            yield return Case($"replace {lone}", "PATCH", "/dispatches/ID", Json, $$"""{"name":"x","dataModel":"{{lone}}"}""", HttpStatusCode.BadRequest);
        }

        // Duplicate keys.
        yield return Case("preview duplicate meta key", "POST", "/dispatches/ID/preview", Json, """{"flowId":"FLOW","operation":"CREATE","meta":{"a":1,"a":2}}""", HttpStatusCode.BadRequest);
        yield return Case("preview duplicate top key", "POST", "/dispatches/ID/preview", Json, """{"flowId":"FLOW","flowId":"FLOW","operation":"CREATE"}""", HttpStatusCode.BadRequest);
        yield return Case("events duplicate meta key", "POST", "/events", Json, Event(meta: "\"flowId\":\"FLOW\",\"a\":1,\"a\":2"), HttpStatusCode.BadRequest);
        yield return Case("dispatches duplicate fields key", "POST", "/dispatches", Json, ConfigWithFields("""{"a":1,"a":2}"""), HttpStatusCode.BadRequest);

        // What a store could not keep: NUL in a property name (BSON), numbers beyond a double.
        yield return Case("fields key with NUL", "POST", "/dispatches", Json, ConfigWithFields("""{"a\u0000b":1}"""), HttpStatusCode.BadRequest);
        yield return Case("fields number 1e999", "POST", "/dispatches", Json, ConfigWithFields("""{"n":1e999}"""), HttpStatusCode.BadRequest);
        yield return Case("fields number -1e400", "POST", "/dispatches", Json, ConfigWithFields("""{"n":[-1e400]}"""), HttpStatusCode.BadRequest);
        yield return Case("events number 1e999", "POST", "/events", Json, Event(data: """{"n":1e999}"""), HttpStatusCode.BadRequest);

        // Charsets and media types.
        foreach (var (method, path) in new[] { ("POST", "/dispatches"), ("PATCH", "/dispatches/ID/app/APP"), ("PATCH", "/dispatches/ID"), ("PUT", "/dispatches/ID/app"), ("POST", "/events"), ("POST", "/dispatches/ID/preview") })
        {
            foreach (var contentType in new[] { "application/json; charset=utf-16", "application/json; charset=utf-32", "application/json; charset=iso-8859-1", "application/json; charset=nonsense" })
            {
                yield return Case($"{method} {path} {contentType}", method, path, contentType, """{"name":"x"}""", HttpStatusCode.UnsupportedMediaType);
            }

            yield return Case($"{method} {path} text/plain", method, path, "text/plain", """{"name":"x"}""", HttpStatusCode.UnsupportedMediaType);
            yield return Case($"{method} {path} no content type", method, path, null, """{"name":"x"}""", HttpStatusCode.UnsupportedMediaType);
            yield return Case($"{method} {path} empty body", method, path, Json, "", HttpStatusCode.BadRequest);
        }

        // Nesting: fields deep enough to break the reads once, and bodies deeper than the JSON limit.
        yield return Case("fields 27 arrays deep", "POST", "/dispatches", Json, ConfigWithFields($$"""{"deep":{{Nested(27)}}}"""), HttpStatusCode.UnprocessableEntity);
        yield return Case("fields 28 arrays deep", "POST", "/dispatches", Json, ConfigWithFields($$"""{"deep":{{Nested(28)}}}"""), HttpStatusCode.UnprocessableEntity);
        yield return Case("fields 9 deep", "POST", "/dispatches", Json, ConfigWithFields($$"""{"deep":{{Nested(8)}}}"""), HttpStatusCode.UnprocessableEntity);
        yield return Case("add app fields 28 deep", "PUT", "/dispatches/ID/app", Json, ("{\"applicationName\":\"x\",\"applicationUid\":\"x\",\"fields\":{\"d\":" + (Nested(28)) + " } }"), HttpStatusCode.UnprocessableEntity);
        yield return Case("patch app fields 28 deep", "PATCH", "/dispatches/ID/app/APP", Json, ("{\"fields\":{\"d\":" + (Nested(28)) + " } }"), HttpStatusCode.UnprocessableEntity);
        yield return Case("replace fields 28 deep", "PATCH", "/dispatches/ID", Json, ("{\"name\":\"n\",\"applications\":[{\"applicationName\":\"A\",\"applicationUid\":\"a\",\"fields\":{\"d\":" + (Nested(28)) + " } }]}"), HttpStatusCode.UnprocessableEntity);
        yield return Case("events data 200 deep", "POST", "/events", Json, Event(data: Nested(200)), HttpStatusCode.UnprocessableEntity);
        yield return Case("preview data 5000 deep", "POST", "/dispatches/ID/preview", Json, $$"""{"flowId":"FLOW","operation":"CREATE","data":{{Nested(5000)}}}""", HttpStatusCode.UnprocessableEntity);

        // Sizes.
        yield return Case("long string", "POST", "/dispatches", Json, ConfigWithFields($$"""{"k":"{{new string('x', 16_385)}}"}"""), HttpStatusCode.UnprocessableEntity);
        yield return Case("long key", "POST", "/events", Json, Event(meta: $$"""  "flowId":"FLOW","{{new string('k', 257)}}":1"""), HttpStatusCode.UnprocessableEntity);
        yield return Case("long name", "POST", "/dispatches", Json, $$"""{"name":"{{new string('n', 201)}}"}""", HttpStatusCode.UnprocessableEntity);
        yield return Case("big fields", "POST", "/dispatches", Json, ConfigWithFields("{" + string.Join(',', Enumerable.Range(0, 40).Select(i => $"\"k{i}\":\"{new string('v', 500)}\"")) + "}"), HttpStatusCode.UnprocessableEntity);
        yield return Case("101 apps", "POST", "/dispatches", Json, $$"""{"name":"n","applications":[{{string.Join(',', Enumerable.Range(0, 101).Select(i => $"{{\"applicationName\":\"A\",\"applicationUid\":\"a{i}\"}}"))}}]}""", HttpStatusCode.UnprocessableEntity);
        yield return Case("add 101 apps", "PUT", "/dispatches/ID/app", Json, "[" + string.Join(',', Enumerable.Range(0, 101).Select(i => $"{{\"applicationName\":\"A\",\"applicationUid\":\"x{i}\"}}")) + "]", HttpStatusCode.UnprocessableEntity);

        // Ids.
        yield return Case("preview invalid id", "POST", "/dispatches/not-an-id/preview", Json, """{"flowId":"FLOW","operation":"CREATE"}""", HttpStatusCode.BadRequest);
        yield return Case("preview unknown id", "POST", "/dispatches/000000000000000000000000/preview", Json, """{"flowId":"FLOW","operation":"CREATE"}""", HttpStatusCode.NotFound);
    }

    [TestCaseSource(nameof(Cases))]
    public async Task A_hostile_request_gets_a_precise_4xx_problem_and_stores_nothing(
        string method, string path, string? contentType, string body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("ID", _id).Replace("APP", _appId));
        var bytes = Encoding.UTF8.GetBytes(body.Replace("FLOW", _sourceFlow));
        request.Content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await _client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", text);
        var problem = JsonNode.Parse(text)!;
        problem["status"]!.GetValue<int>().Should().Be((int)expected);
        problem["errors"]!.AsArray().Should().NotBeEmpty();
        if (expected == HttpStatusCode.UnprocessableEntity)
        {
            problem["rule"]!.GetValue<string>().Should().StartWith("limit.", "a limit answer names the limit");
        }

        (await ListAsync()).Should().Be(_stored, "an error answer stores nothing");
    }

    [Test]
    public async Task Invalid_utf8_bytes_are_400()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"name":"xx"}""");
        bytes[9] = 0xC3; // a lead byte without its continuation
        bytes[10] = 0x28;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");

        using var response = await _client.PostAsync("/dispatches", content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("UTF-8");
    }

    [Test]
    public async Task A_surrogate_pair_escaped_is_valid_and_round_trips()
    {
        using var response = await _client.PostRawAsync("/dispatches", ConfigWithFields("""{"\ud83d\ude00":"\ud83d\ude00 ok"}"""));
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, text);
        var id = JsonNode.Parse(text)!["data"]!.Text("id");

        using var read = await _client.GetAsync($"/dispatches/{id}");
        (await read.BodyAsync())["data"]!["applications"]![0]!["fields"]!["😀"]!.GetValue<string>().Should().Be("😀 ok");
        (await _client.DeleteAsync($"/dispatches/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private async Task<string> ListAsync()
    {
        using var response = await _client.GetAsync("/dispatches");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }
}
