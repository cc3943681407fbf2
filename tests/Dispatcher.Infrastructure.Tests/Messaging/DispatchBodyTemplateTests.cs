using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Testing;
using Dispatcher.Infrastructure.Messaging;
using Dispatcher.Infrastructure.Messaging.Dispatch;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dispatcher.Infrastructure.Tests.Messaging;

/// <summary>
/// The body template, the optimised writer and the publishers' bodies against the original writer
/// (<see cref="ReferenceDispatchMessageWriter"/>) over many generated events.
/// </summary>
public sealed class DispatchBodyTemplateTests
{
    private const string Person = ThreeAppExample.Person;
    private const string SourceFlow = "src-out";
    private const string Service = "dispatcher-service";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, 123, TimeSpan.Zero);

    private static readonly string[] Texts =
    [
        "plain", "", "with \"quotes\"", "back\\slash", "tab\tnew\nline\r", "\u0001ctl\u001f\u007f", "é ü 中文 🎉",
        "<html>&'+`", "a/b", "x+y=z", new string('k', 300), "65f000000000000000000001",
    ];

    private static readonly string[] AppUids =
    [
        "wice5678", "outlook9012", "app \"quoted\"", "ünïcødé", "a+b<c>&'d'", "tab\there", "back\\slash", "🎉", "p", "q",
    ];

    [Test]
    public void Generated_events_give_the_same_bodies_as_the_original_writer([Values(1, 2, 3, 4, 5)] int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 60; round++)
        {
            var lenient = round % 5 == 4;
            var (dispatches, canonical) = GenerateEvent(random, lenient);
            var template = DispatchBodyTemplate.Create(dispatches[0].Dispatch.Source, Service, Now);
            var publisherBodies = DispatchBodyTemplate.WriteBodies(dispatches, Service, Now);
            for (var i = 0; i < dispatches.Count; i++)
            {
                var dispatch = dispatches[i];
                var expected = ReferenceDispatchMessageWriter.Write(dispatch, Service, Now);
                var fromTemplate = template.Write(dispatch);
                var span = new byte[template.GetLength(dispatch) + 7];
                var written = template.Write(dispatch, span);

                written.Should().Be(fromTemplate.Length);
                span.AsSpan(0, written).ToArray().Should().Equal(fromTemplate);
                publisherBodies[i].ToArray().Should().Equal(fromTemplate);
                AssertSameJson(fromTemplate, expected, canonical);
                AssertSameJson(DispatchBodyTemplate.WriteBodies([dispatch], Service, Now)[0].ToArray(), expected, canonical);
                AssertSameJson(ThroughValidatingWriter(fromTemplate), expected, canonical);
            }
        }
    }

    [Test]
    public void An_event_without_meta_fields_or_data_and_without_record_uid()
    {
        var dispatches = Route(RecordMeta.Empty, default, "wice5678");

        var body = DispatchBodyTemplate.Create(dispatches[0].Dispatch.Source, Service, Now).Write(dispatches[0]);

        Encoding.UTF8.GetString(body).Should().Be(
            """{"headers":{"name":"dispatch.t0-in","createdAt":1795694400123,"serviceName":"dispatcher-service"},"payload":{"meta":{"applicationUid":"wice5678"}}}""");
        body.Should().Equal(ReferenceDispatchMessageWriter.Write(dispatches[0], Service, Now));
    }

    [Test]
    public void Only_the_targets_with_a_ref_get_a_record_uid()
    {
        using var meta = JsonDocument.Parse(
            """{"domainId":"5d9b","recordUid":"abcd","applicationUid":"snazzy","flowId":"src-out","refs":[{"applicationUid":"wice5678","recordUid":"efgh"}]}""");
        using var data = JsonDocument.Parse("""{"firstName":"Jane"}""");
        var dispatches = Route(RecordMeta.FromJson(meta.RootElement), data.RootElement, "wice5678", "outlook9012");
        var template = DispatchBodyTemplate.Create(dispatches[0].Dispatch.Source, Service, Now);

        var bodies = dispatches.Select(d => Encoding.UTF8.GetString(template.Write(d))).ToList();

        bodies.Should().Equal(
            """{"headers":{"name":"dispatch.t0-in","createdAt":1795694400123,"serviceName":"dispatcher-service"},"payload":{"meta":{"domainId":"5d9b","flowId":"src-out","applicationUid":"wice5678","recordUid":"efgh"},"data":{"firstName":"Jane"}}}""",
            """{"headers":{"name":"dispatch.t1-in","createdAt":1795694400123,"serviceName":"dispatcher-service"},"payload":{"meta":{"domainId":"5d9b","flowId":"src-out","applicationUid":"outlook9012"},"data":{"firstName":"Jane"}}}""");
    }

    [Test]
    public void Strings_are_escaped_exactly_as_the_writer_escapes_them()
    {
        // Duplicate meta keys too: kept, in order, as the original writer does.
        var fields = new[] { Field("k\"ey", "\"v\""), Field("ключ", "1"), Field("ключ", "2"), Field("x", "[1, 2 ,{}]") };
        var dispatches = Route(RecordMeta.Create(fields, [new RecordRef("a+b<c>&'d'", "rec \"1\" é\u0002")]), default, "a+b<c>&'d'", "ünïcødé");
        var template = DispatchBodyTemplate.Create(dispatches[0].Dispatch.Source, "service \"ü\"", Now);

        foreach (var dispatch in dispatches)
        {
            var body = template.Write(dispatch);
            var expected = ReferenceDispatchMessageWriter.Write(dispatch, "service \"ü\"", Now);
            Encoding.UTF8.GetString(body).Should().Be(Encoding.UTF8.GetString(expected).Replace("[1,2,{}]", "[1, 2 ,{}]", StringComparison.Ordinal));
        }
    }

    [Test]
    public void The_fast_path_escapes_like_JsonEncodedText()
    {
        for (var c = 0; c < 0x3000; c++)
        {
            if (char.IsSurrogate((char)c))
            {
                continue;
            }

            var text = "a" + (char)c + "b";
            var expected = JsonEncodedText.Encode(text).EncodedUtf8Bytes.ToArray();
            var buffer = new byte[DispatchBodyTemplate.JsonText.EscapedLength(text)];

            DispatchBodyTemplate.JsonText.WriteEscaped(text, buffer).Should().Be(expected.Length, "U+{0:X4}", c);
            buffer.Should().Equal(expected, "U+{0:X4}", c);
        }
    }

    [Test]
    public void Values_read_leniently_are_written_as_strict_json()
    {
        var lenient = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var meta = JsonDocument.Parse("""{"a":{"x":1, /* c */ "y":[1,2,],},"b":"/* not a comment */","c":"a, }"}""", lenient);
        using var data = JsonDocument.Parse("{\"list\":[1,2,3,], // line\n \"s\":\"ok\"}", lenient);
        var dispatches = Route(RecordMeta.FromJson(meta.RootElement), data.RootElement, "wice5678");
        var expected = ReferenceDispatchMessageWriter.Write(dispatches[0], Service, Now);

        var fromTemplate = DispatchBodyTemplate.Create(dispatches[0].Dispatch.Source, Service, Now).Write(dispatches[0]);
        var fromWriter = DispatchBodyTemplate.WriteBodies([dispatches[0]], Service, Now)[0].ToArray();

        fromTemplate.Should().Equal(expected);
        fromWriter.Should().Equal(expected);
    }

    [TestCase("{\"a\":[1,2 ,\n ],\"b\":{\"c\":1,\t}}", false)]
    [TestCase("{\"a\":[1,\n 2\n],\n \"b\": \"x, ] / }\"}", true)]
    [TestCase("[\"a/b\",\",]\",\", }\"]", true)]
    public void Suspicious_values_are_checked_strictly(string json, bool copiedRaw)
    {
        var options = new JsonDocumentOptions { AllowTrailingCommas = true };
        using var data = JsonDocument.Parse(json, options);
        var dispatches = Route(RecordMeta.Empty, data.RootElement, "wice5678");
        var expected = ReferenceDispatchMessageWriter.Write(dispatches[0], Service, Now);

        var body = DispatchBodyTemplate.Create(dispatches[0].Dispatch.Source, Service, Now).Write(dispatches[0]);

        AssertSameJson(body, expected, canonical: false);
        Encoding.UTF8.GetString(body).Contains(json, StringComparison.Ordinal).Should().Be(copiedRaw);
    }

    [Test]
    public void A_copy_of_another_event_is_refused()
    {
        var first = Route(RecordMeta.Empty, default, "wice5678");
        var second = Route(RecordMeta.Empty, default, "wice5678");
        var template = DispatchBodyTemplate.Create(first[0].Dispatch.Source, Service, Now);

        var write = () => template.Write(second[0]);

        write.Should().Throw<ArgumentException>();
    }

    [Test]
    public void The_publisher_writes_bodies_of_mixed_events_and_of_large_events()
    {
        using var big = JsonDocument.Parse(JsonSerializer.Serialize(new { blob = new string('z', 40_000) }));
        var large = Route(RecordMeta.Empty, big.RootElement, "wice5678", "outlook9012", "p");
        var mixed = Route(RecordMeta.Empty, default, "wice5678").Concat(Route(RecordMeta.Empty, big.RootElement, "q")).ToList();

        foreach (var dispatches in new[] { large, mixed })
        {
            var bodies = DispatchBodyTemplate.WriteBodies(dispatches, Service, Now);

            bodies.Select(b => b.ToArray()).Should().BeEquivalentTo(
                dispatches.Select(d => ReferenceDispatchMessageWriter.Write(d, Service, Now)), o => o.WithStrictOrdering());
        }
    }

    [Test]
    public async Task The_in_memory_publisher_keeps_the_same_bodies()
    {
        var (dispatches, _) = GenerateEvent(new Random(7), lenient: false);
        var publisher = new InMemoryDispatchPublisher(Options.Create(new MessagingOptions { ServiceName = Service }), new FakeTimeProvider(Now));

        await publisher.PublishAsync(dispatches, default);

        publisher.Recent.Select(r => r.Body).Should().Equal(
            dispatches.Select(d => Encoding.UTF8.GetString(ReferenceDispatchMessageWriter.Write(d, Service, Now))));
        publisher.Recent.Select(r => r.RoutingKey).Should().Equal(dispatches.Select(d => d.RoutingKey));
    }

    // Strict parse, then a validating writer: throws if the body is not strict, well-formed JSON.
    private static byte[] ThroughValidatingWriter(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            document.RootElement.WriteTo(writer);
        }

        return stream.ToArray();
    }

    // Same keys in the same order with the same values; byte for byte when the input was written canonically.
    private static void AssertSameJson(byte[] actual, byte[] expected, bool canonical)
    {
        var actualNode = JsonNode.Parse(actual);
        var expectedNode = JsonNode.Parse(expected);
        JsonNode.DeepEquals(actualNode, expectedNode).Should().BeTrue(Encoding.UTF8.GetString(actual));
        actualNode!.ToJsonString().Should().Be(expectedNode!.ToJsonString(), "keys keep their order");
        if (canonical)
        {
            Encoding.UTF8.GetString(actual).Should().Be(Encoding.UTF8.GetString(expected));
        }
    }

    private static List<OutgoingDispatch> Route(RecordMeta meta, JsonElement data, params string[] targetAppUids)
    {
        var configuration = new DispatchConfigurationBuilder()
            .With(new AppBuilder("source-app").Outbound(Person, SourceFlow));
        for (var i = 0; i < targetAppUids.Length; i++)
        {
            configuration.With(new AppBuilder(targetAppUids[i], $"target {i}").Inbound(Person, Operation.Create, $"t{i}-in"));
        }

        var recordEvent = new RecordEvent(FlowId.Parse(SourceFlow), Operation.Create, meta, data);
        var result = RoutingPolicy.Route(configuration.Build(), recordEvent);
        result.Outcome.Should().Be(RoutingOutcome.Routed);
        return result.Dispatches().Select(d => new OutgoingDispatch(d, Guid.Empty, "c", 1)).ToList();
    }

    private static KeyValuePair<string, JsonElement> Field(string key, string json)
    {
        using var document = JsonDocument.Parse(json);
        return new(key, document.RootElement.Clone());
    }

    private static (List<OutgoingDispatch> Dispatches, bool Canonical) GenerateEvent(Random random, bool lenient)
    {
        // Canonical: written as Utf8JsonWriter writes it, so copying raw must give the very same bytes.
        var canonical = !lenient && random.Next(2) == 0;
        var targets = AppUids.OrderBy(_ => random.Next()).Take(random.Next(1, 6)).ToArray();
        var meta = new StringBuilder("{");
        var fieldCount = random.Next(0, 8);
        var usedKeys = new HashSet<string>();
        var first = true;
        void Add(string key, string valueJson)
        {
            if (!usedKeys.Add(key))
            {
                return;
            }

            meta.Append(first ? "" : ",").Append(Space(random, canonical)).Append(JsonSerializer.Serialize(key))
                .Append(':').Append(Space(random, canonical)).Append(valueJson);
            first = false;
        }

        for (var i = 0; i < fieldCount; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                    Add(RecordMeta.ApplicationUidField, random.Next(4) == 0 ? "42" : JsonString(random, "snazzy", canonical));
                    break;
                case 1:
                    Add(RecordMeta.RecordUidField, JsonString(random, Pick(random, Texts), canonical));
                    break;
                case 2:
                    var refs = targets.Where(_ => random.Next(2) == 0).Append("source-app")
                        .Select(app => $$"""{"applicationUid":{{JsonString(random, app, canonical)}},"recordUid":{{JsonString(random, Pick(random, Texts), canonical)}},"modificationHistory":[]}""");
                    Add(RecordMeta.RefsField, "[" + string.Join(",", refs) + "]");
                    break;
                default:
                    Add(Pick(random, ["domainId", "schema", "flowId", "oihUid", .. Texts]), Value(random, 0, canonical, lenient));
                    break;
            }
        }

        meta.Append('}');
        var documentOptions = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var metaDocument = JsonDocument.Parse(meta.ToString(), documentOptions);
        JsonElement data = default;
        if (random.Next(5) != 0)
        {
            using var dataDocument = JsonDocument.Parse(Value(random, 0, canonical, lenient), documentOptions);
            data = dataDocument.RootElement.Clone();
        }

        return (Route(RecordMeta.FromJson(metaDocument.RootElement), data, targets), canonical);
    }

    private static string Value(Random random, int depth, bool canonical, bool lenient)
    {
        switch (random.Next(depth >= 3 ? 4 : 6))
        {
            case 0:
                return JsonString(random, Pick(random, Texts), canonical);
            case 1:
                return Pick(random, ["0", "-1", "1.50", "1e10", "12345678901234567890", "-0.0", "3.14159", "2E-5"]);
            case 2:
                return Pick(random, ["true", "false", "null"]);
            case 3:
                return JsonString(random, Pick(random, AppUids), canonical);
            case 4:
                var items = Enumerable.Range(0, random.Next(0, 4)).Select(_ => Value(random, depth + 1, canonical, lenient)).ToList();
                return "[" + Space(random, canonical) + string.Join("," + Space(random, canonical), items) + Trailing(random, lenient, items.Count) + "]";
            default:
                var properties = Enumerable.Range(0, random.Next(0, 5))
                    .Select(i => JsonString(random, Pick(random, Texts) + i.ToString(CultureInfo.InvariantCulture), canonical) + ":" + Value(random, depth + 1, canonical, lenient))
                    .ToList();
                return "{" + string.Join("," + Space(random, canonical), properties) + Trailing(random, lenient, properties.Count) + "}";
        }
    }

    private static string Trailing(Random random, bool lenient, int items) =>
        !lenient ? "" : random.Next(3) switch { 0 when items > 0 => ", ", 1 => " /* comment */ ", _ => "" };

    // Canonical strings are what Utf8JsonWriter writes; otherwise sometimes every character escaped as \uXXXX.
    private static string JsonString(Random random, string value, bool canonical) =>
        canonical || random.Next(2) == 0
            ? JsonSerializer.Serialize(value)
            : "\"" + string.Concat(value.Select(c => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture))) + "\"";

    private static string Space(Random random, bool canonical) => canonical ? "" : Pick(random, ["", " ", "\n  ", "\t"]);

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
