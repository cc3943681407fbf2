using System.Text.Json;
using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Documents;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>What a full load reads documents with: <see cref="SchemaUriCache"/> and the document model's converters.</summary>
[TestFixture]
public sealed class DocumentReadingTests
{
    private const string Person = "http://metadata.example.com/api/v1/domains/5d9b/schemas/person";

    [TestCase("http://metadata.example.com/api/v1/domains/5d9b/schemas/person")]
    [TestCase("  HTTP://Metadata.Example.com:80/a/./b/%7euser  ")]
    public void Parses_as_SchemaUri_Parse_does_and_hands_out_one_instance_per_text(string text)
    {
        var cache = new SchemaUriCache();

        var first = cache.Parse(text);
        var again = cache.Parse(text);

        var expected = SchemaUri.Parse(text);
        first.Text.Should().Be(expected.Text);
        first.Key.Should().Be(expected.Key);
        again.Should().BeSameAs(first);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("/relative/path")]
    [TestCase("not a uri")]
    public void Refuses_what_SchemaUri_Parse_refuses_every_time(string? text)
    {
        var cache = new SchemaUriCache();
        var expected = ((Action)(() => SchemaUri.Parse(text))).Should().Throw<DomainRuleViolationException>().Which;

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var parse = () => cache.Parse(text);
            parse.Should().Throw<DomainRuleViolationException>().WithMessage(expected.Message);
        }
    }

    [Test]
    public void Repeated_strings_read_as_one_instance_across_documents_and_escaped_ones_as_their_text()
    {
        var first = Read(Document("getPersons", "{}"));
        var second = Read(Document("getPersons", "{}"));
        var escaped = Read(Document("get\\u0050ersons", "{}"));

        var a = first.Applications![0].Outbound!.Flows![0];
        var b = second.Applications![0].Outbound!.Flows![0];
        a.SchemaUri.Should().Be(Person).And.BeSameAs(b.SchemaUri);
        a.AdapterAction.Should().Be("getPersons").And.BeSameAs(b.AdapterAction);
        first.Applications[0].AdapterComponentId.Should().BeSameAs(second.Applications[0].AdapterComponentId);
        escaped.Applications![0].Outbound!.Flows![0].AdapterAction.Should().Be("getPersons");
        first.Applications[0].Inbound!.Flows![0].Operation.Should().Be("CREATE").And.BeSameAs(second.Applications[0].Inbound!.Flows![0].Operation);
        a.Operation.Should().BeNull();
    }

    [TestCase("{}", "{}")]
    [TestCase("null", "{}")]
    [TestCase("""{ "a": {}, "b": [1, {}] }""", """{"a":{},"b":[1,{}]}""")]
    public void Fields_read_into_the_same_AppFields_as_before(string fields, string expectedJson)
    {
        var document = Read(Document("getPersons", fields));

        var configuration = ConfigurationDocumentMapper.ToDomain(document);

        configuration.Apps[0].Fields.Json.Should().Be(expectedJson);
        JsonSerializer.Serialize(ConfigurationDocumentMapper.ToDocument(configuration, 1), ConfigurationDocumentJsonContext.Default.ConfigurationDocument)
            .Should().Contain($"\"fields\":{expectedJson}");
    }

    [Test]
    public void Fields_that_are_not_an_object_are_still_refused()
    {
        var document = Read(Document("getPersons", "[1]"));

        var map = () => ConfigurationDocumentMapper.ToDomain(document);

        map.Should().Throw<InvalidDataException>().WithMessage("*fields must be a JSON object*");
    }

    private static ConfigurationDocument Read(string json) =>
        JsonSerializer.Deserialize(System.Text.Encoding.UTF8.GetBytes(json), ConfigurationDocumentJsonContext.Default.ConfigurationDocument)!;

    private static string Document(string adapterAction, string fields) =>
        "{\"_id\":\"65f000000000000000000001\",\"tenant\":\"tenant-a\",\"name\":\"n\",\"applications\":[" +
        "{\"_id\":\"65f000000000000000000002\",\"applicationName\":\"App\",\"applicationUid\":\"app-1\",\"adapterComponentId\":\"5d2484d2a422ca001bda5690\"," +
        $"\"fields\":{fields}," +
        $"\"outbound\":{{\"active\":true,\"flows\":[{{\"_id\":\"65f000000000000000000003\",\"adapterAction\":\"{adapterAction}\",\"schemaUri\":\"{Person}\",\"flowId\":\"flow-out\"}}]}}," +
        $"\"inbound\":{{\"active\":true,\"flows\":[{{\"_id\":\"65f000000000000000000004\",\"operation\":\"CREATE\",\"adapterAction\":\"create\",\"schemaUri\":\"{Person}\",\"flowId\":\"flow-in\"}}]}}}}]," +
        "\"createdAt\":\"2026-11-26T12:00:00Z\",\"updatedAt\":\"2026-11-26T12:00:00Z\",\"version\":1}";
}
