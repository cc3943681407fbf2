using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Fuzz;

/// <summary>One generated request, with what is needed to replay it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">Path and query, already escaped.</param>
/// <param name="Token">The bearer token (null: no Authorization header).</param>
/// <param name="RawAuthorization">An Authorization header sent as is, instead of the token.</param>
/// <param name="ContentType">The Content-Type (null: none).</param>
/// <param name="Body">The body bytes (null: none).</param>
/// <param name="IfMatch">An If-Match header (null: none).</param>
public sealed record FuzzRequest(
    string Method, string Path, string? Token, string? RawAuthorization, string? ContentType, byte[]? Body, string? IfMatch)
{
    /// <summary>The request, ready to send.</summary>
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Path);
        if (RawAuthorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", RawAuthorization);
        }
        else if (Token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        if (IfMatch is not null)
        {
            message.Headers.TryAddWithoutValidation("If-Match", IfMatch);
        }

        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return message;
    }

    /// <summary>A short description for failure messages.</summary>
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body);
        return $"{Method} {Path} [{ContentType}] If-Match={IfMatch} auth={(RawAuthorization ?? (Token is null ? "none" : "token"))} body={(body.Length > 300 ? body[..300] + "…" : body)}";
    }
}

/// <summary>The ids the generator aims at: its own tenant's, and the sentinels' of other tenants.</summary>
public sealed class FuzzTargets
{
    /// <summary>Configuration ids (own and sentinel).</summary>
    public List<string> ConfigurationIds { get; } = [];

    /// <summary>App ids (own and sentinel).</summary>
    public List<string> AppIds { get; } = [];

    /// <summary>Flow ids (own and sentinel).</summary>
    public List<string> FlowIds { get; } = [];

    /// <summary>Tokens to send: the fuzzing tenant's, and tokens that must not reach the sentinels.</summary>
    public List<string> Tokens { get; } = [];
}

/// <summary>
/// Generates hostile requests over every route from a seed: valid bodies with structural mutations (wrong types, lone
/// surrogates, deep nesting, huge values, duplicate keys), byte-level damage (truncation, invalid UTF-8, BOMs), and
/// hostile headers (charsets, media types, If-Match values, Authorization forms) and paths (invalid, encoded, foreign
/// ids). Hand-written rather than a property-based library: the interesting inputs are grammar-aware HTTP requests, and
/// a failing one is reproduced from the seed and its index alone.
/// </summary>
public sealed class HostileRequestGenerator(int seed, FuzzTargets targets)
{
    // ASCII, so that serialisation leaves it as it is and it can be replaced by an escaped lone surrogate afterwards.
    private const string LonePlaceholder = "~LONE~";

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    private static readonly string[] HostileStrings =
    [
        "", " ", "\t", "\u0000", "\u001f", "null", "true", "0", "-1", "1e999", "NaN", "CREATE", "create", "Create ", "UPDATE\u0000",
        "DELETE", "MERGE", "http://", "http://x", "http://[::1]:99999/", "mailto:a@b", "//no-scheme", "/relative", "file:///etc/passwd",
        "javascript:alert(1)", "../../../etc/passwd", "%00", "%ED%A0%80", "😀", "\u202e\u202d", "\ufeff", "\uffff", "é\u0301",
        "000000000000000000000000", "ffffffffffffffffffffffff", "FFFFFFFFFFFFFFFFFFFFFFFF", "0123456789abcdef0123456", "0123456789abcdef012345678",
        "zzzzzzzzzzzzzzzzzzzzzzzz", "{\"$ne\":null}", "'; DROP TABLE configurations; --", "${jndi:ldap://x}", "<script>alert(1)</script>",
        LonePlaceholder, "a" + LonePlaceholder, "__proto__", "constructor", "data-hub.record.created", "dispatch.x", "#", "*", ">",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json; charset=UTF-8", "application/json;charset=\"utf-8\"",
        "application/json; charset=utf-16", "application/json; charset=utf-16le", "application/json; charset=latin1", "application/json; charset=",
        "application/json; charset=bogus", "text/json", "text/plain", "application/xml", "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded", "application/merge-patch+json", "application/problem+json", "*/*", "application/*", "garbage",
        "application/json; foo=bar", "APPLICATION/JSON",
    ];

    private static readonly string[] IfMatches =
    [
        "*", "\"1\"", "W/\"1\"", "\"0\"", "\"-1\"", "\"abc\"", "abc", "\"99999999999999999999999\"", "\"1\", \"2\"", "", " ", "\"", "W/", "\"\u00e9\"",
        new string('9', 500),
    ];

    private readonly Random _random = new(seed);

    /// <summary>The next request.</summary>
    public FuzzRequest Next()
    {
        var (method, path) = Route();
        if (Chance(0.08))
        {
            method = Pick(Methods);
        }

        var hasBody = method is "POST" or "PUT" or "PATCH" || Chance(0.05);
        byte[]? body = null;
        string? contentType = null;
        if (hasBody)
        {
            body = Body(path);
            contentType = Chance(0.8) ? "application/json" : Chance(0.85) ? Pick(ContentTypes) : null;
        }

        // Mostly the fuzzing tenant's own token (index 0), so most requests get past authentication.
        string? token = Chance(0.7) ? targets.Tokens[0] : Pick(targets.Tokens);
        string? raw = null;
        if (Chance(0.06))
        {
            token = null;
        }
        else if (Chance(0.05))
        {
            raw = Pick(["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt", "Bearer a.b.c", "bearer " + token, token!, "Bearer " + token + " extra", "Bearer \u00e9"]);
        }

        var ifMatch = method is "PATCH" or "PUT" or "DELETE" && Chance(0.25) ? Pick(IfMatches) : null;
        return new FuzzRequest(method, path, token, raw, contentType, body, ifMatch);
    }

    private (string Method, string Path) Route()
    {
        var id = Id(targets.ConfigurationIds);
        var app = Id(targets.AppIds);
        return _random.Next(16) switch
        {
            0 => ("GET", "/dispatches"),
            1 => ("POST", "/dispatches"),
            2 => ("GET", $"/dispatches/{id}"),
            3 => ("PATCH", $"/dispatches/{id}"),
            4 => ("DELETE", $"/dispatches/{id}"),
            5 => ("PUT", $"/dispatches/{id}/app"),
            6 => ("PATCH", $"/dispatches/{id}/app/{app}"),
            7 => ("DELETE", $"/dispatches/{id}/app/{app}"),
            8 => ("POST", $"/dispatches/{id}/preview"),
            9 or 10 => ("POST", "/events"),
            11 => ("GET", "/events/dispatches"),
            12 => Pick<(string, string)>([("GET", "/admin/error-queue"), ("POST", "/admin/error-queue/redrive"), ("POST", $"/admin/error-queue/redrive?targetFlowId={Id(targets.FlowIds)}"), ("POST", "/admin/error-queue/redrive?sourceFlowId=%ED%A0%80")]),
            13 => Pick<(string, string)>([("GET", "/health/live"), ("GET", "/health/ready"), ("GET", "/healthcheck"), ("GET", "/"), ("GET", "/docs"), ("GET", "/swagger/v1/swagger.json")]),
            14 => Pick<(string, string)>([("GET", "/dispatches/"), ("GET", "/dispatches//app"), ("POST", "/dispatches/x/y/z"), ("GET", "/%2e%2e/%2e%2e/etc/passwd"), ("GET", $"/dispatches/{id}?x=%00"), ("GET", "/nope")]),
            _ => ("POST", $"/dispatches/{id}/preview"),
        };
    }

    /// <summary>
    /// A path segment: mostly a known id (own or foreign), sometimes a hostile one. No encoded NUL: Kestrel refuses it
    /// before the application (400), and the test server's client cannot send it.
    /// </summary>
    private string Id(List<string> known) => AnyId(known).Replace("%00", "%01", StringComparison.Ordinal);

    private string AnyId(List<string> known) => _random.Next(10) switch
    {
        < 6 when known.Count > 0 => Pick(known),
        6 => Convert.ToHexStringLower(RandomBytes(12)),
        7 => Uri.EscapeDataString(Pick(HostileStrings).Replace(LonePlaceholder, "x")),
        8 => Pick(["%ED%A0%80", "%FF", "%00", "%2F", "..", "%2e%2e", new string('a', 3000), "0123456789ABCDEF01234567", "0x123", "%20" + (known.Count > 0 ? known[0] : "a")]),
        _ => "000000000000000000000000",
    };

    private byte[] Body(string path)
    {
        JsonNode seedBody = path switch
        {
            "/events" => Event(),
            _ when path.EndsWith("/preview", StringComparison.Ordinal) => Chance(0.5) ? Event() : ShortPreview(),
            _ when path.EndsWith("/app", StringComparison.Ordinal) => Chance(0.7) ? AppBody() : new JsonArray(AppBody(), AppBody()),
            _ when path.Contains("/app/", StringComparison.Ordinal) => Patch(),
            _ => Config(),
        };

        var mutations = _random.Next(0, 4);
        for (var i = 0; i < mutations; i++)
        {
            seedBody = Mutate(seedBody);
        }

        var text = seedBody.ToJsonString().Replace(LonePlaceholder, Pick(["\\ud800", "\\udfff", "\\ud800\\ud800", "\\udc00\\ud800"]));
        text = TextMutation(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        return Chance(0.04) ? ByteMutation(bytes) : bytes;
    }

    private JsonObject Config() => Configuration(Pick(HostileStrings.Where(s => s.Length > 0).Append("Fuzzed").ToArray()),
        Enumerable.Range(0, _random.Next(0, 3)).Select(_ => AppBody()).ToArray());

    private JsonObject AppBody()
    {
        var app = App($"fuzz{_random.Next(1000)}", "Fuzz app", outboundActive: Chance(0.5), inboundActive: Chance(0.5));
        if (Chance(0.3))
        {
            app["fields"] = new JsonObject { ["k"] = Scalar() };
        }

        return app;
    }

    private JsonObject Patch() => Pick<Func<JsonObject>>(
    [
        () => new JsonObject { ["inbound"] = new JsonObject { ["active"] = Chance(0.5) } },
        () => new JsonObject { ["applicationName"] = Scalar() },
        () => new JsonObject { ["fields"] = new JsonObject { ["a"] = Scalar() } },
        () => new JsonObject { ["outbound"] = new JsonObject { ["flows"] = new JsonArray(new JsonObject { ["schemaUri"] = Person }) } },
        () => AppBody(),
    ])();

    private JsonObject Event() => new()
    {
        ["headers"] = new JsonObject { ["name"] = Pick(["data-hub.record.created", "data-hub.record.updated", "data-hub.record.deleted", "other"]) },
        ["payload"] = new JsonObject
        {
            ["meta"] = new JsonObject
            {
                ["flowId"] = targets.FlowIds.Count > 0 && Chance(0.8) ? Pick(targets.FlowIds) : Scalar(),
                ["oihUid"] = "65f000000000000000000001",
                ["refs"] = new JsonArray(new JsonObject { ["applicationUid"] = "a1", ["recordUid"] = "r1" }),
            },
            ["data"] = new JsonObject { ["firstName"] = "Jane" },
        },
    };

    private JsonObject ShortPreview() => new()
    {
        ["flowId"] = targets.FlowIds.Count > 0 && Chance(0.8) ? Pick(targets.FlowIds) : Scalar(),
        ["operation"] = Pick(["CREATE", "UPDATE", "DELETE", "create", "1", "MERGE"]),
        ["meta"] = new JsonObject { ["refs"] = new JsonArray() },
        ["data"] = new JsonObject { ["x"] = 1 },
    };

    private JsonNode? Scalar() => _random.Next(8) switch
    {
        0 => null,
        1 => JsonValue.Create(Chance(0.5)),
        2 => JsonValue.Create(Pick([0, -1, int.MaxValue, long.MinValue, 1e308, -0.0, 1.5])),
        3 => new JsonArray(),
        4 => new JsonObject(),
        5 => JsonValue.Create(new string(Pick(['x', 'é', '\u2028']), _random.Next(1, 400))),
        _ => JsonValue.Create(Pick(HostileStrings)),
    };

    private JsonNode Mutate(JsonNode root)
    {
        var containers = new List<JsonNode>();
        Collect(root, containers);
        if (containers.Count == 0)
        {
            return root;
        }

        var target = Pick(containers);
        switch (target)
        {
            case JsonObject obj when obj.Count > 0 && Chance(0.7):
                var key = Pick(obj.Select(p => p.Key).ToArray());
                obj[key] = Replacement();
                break;
            case JsonObject obj:
                obj[Chance(0.3) ? LonePlaceholder + _random.Next(100) : Chance(0.5) ? "extra" + _random.Next(100) : new string('k', _random.Next(1, 300))] = Replacement();
                break;
            case JsonArray array when array.Count > 0 && Chance(0.6):
                array[_random.Next(array.Count)] = Replacement();
                break;
            case JsonArray array:
                array.Add(Replacement());
                break;
        }

        return Chance(0.03) ? Replacement() ?? JsonValue.Create(0)! : root;
    }

    private JsonNode? Replacement() => _random.Next(10) switch
    {
        0 => Deep(_random.Next(2, 60)),
        1 => new JsonArray(Enumerable.Range(0, _random.Next(0, 150)).Select(_ => (JsonNode?)new JsonObject { ["applicationName"] = "a", ["applicationUid"] = "u" + _random.Next() }).ToArray()),
        2 => JsonValue.Create(new string('s', Pick([199, 200, 201, 2048, 2049, 16_384, 16_385]))),
        _ => Scalar(),
    };

    private static JsonNode Deep(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 1; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["d"] = node };
        }

        return node;
    }

    private static void Collect(JsonNode? node, List<JsonNode> containers)
    {
        switch (node)
        {
            case JsonObject obj:
                containers.Add(obj);
                foreach (var (_, value) in obj.ToList())
                {
                    Collect(value, containers);
                }

                break;
            case JsonArray array:
                containers.Add(array);
                foreach (var item in array)
                {
                    Collect(item, containers);
                }

                break;
        }
    }

    private string TextMutation(string text)
    {
        if (!Chance(0.15) || text.Length < 2)
        {
            return text;
        }

        return _random.Next(9) switch
        {
            0 => text[.._random.Next(text.Length)],
            1 => text + Pick(["}", "]", ",", " x", "\u0000", "{}"]),
            2 => Pick(["[]", "true", "123", "\"s\"", "null", "", " ", "{", "}", "[", "\"\\ud800\"", "1e999999", "-", "{\"a\":1,\"a\":2}"]),
            3 => "\ufeff" + text,
            4 => text.Replace("\":", "\" :", StringComparison.Ordinal).Replace(",", " ,\n", StringComparison.Ordinal),
            5 when text.StartsWith('{') => "{\"name\":\"dup\",\"name\":\"dup\"," + text[1..],
            6 => text.Replace("\"", "'", StringComparison.Ordinal),
            7 => "/* c */" + text,
            _ => text.Insert(_random.Next(text.Length), "\\u"),
        };
    }

    private byte[] ByteMutation(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        for (var i = 0; i < _random.Next(1, 4) && copy.Length > 0; i++)
        {
            copy[_random.Next(copy.Length)] = Pick(new byte[] { 0xC3, 0xFF, 0xED, 0xA0, 0x80, 0x00, 0xF4, 0x90 });
        }

        return copy;
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private bool Chance(double p) => _random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
