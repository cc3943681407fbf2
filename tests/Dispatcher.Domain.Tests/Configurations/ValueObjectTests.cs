using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Tests.Configurations;

public sealed class ValueObjectTests
{
    [TestCase("http://example.com/schemas/person", "HTTP://EXAMPLE.COM/schemas/person", true)]
    [TestCase("http://example.com/schemas/person", "http://example.com:80/schemas/person", true)]
    [TestCase("https://example.com/schemas/person", "https://example.com:443/schemas/%70erson", true)]
    [TestCase("http://example.com/schemas/person", "http://example.com/schemas/Person", false)]
    [TestCase("http://example.com/schemas/person", "http://example.com/schemas/person/", false)]
    [TestCase("http://example.com/schemas/person", "https://example.com/schemas/person", false)]
    [TestCase("urn:oih:schemas:person", "URN:oih:schemas:person", true)]
    public void Schema_uri_equality_follows_uri_rules(string left, string right, bool equal)
    {
        SchemaUri.Parse(left).Equals(SchemaUri.Parse(right)).Should().Be(equal);
    }

    [Test]
    public void Schema_uri_keeps_the_text_as_written_and_exposes_the_original_segments()
    {
        var uri = SchemaUri.Parse(" http://Metadata/api/v1/domains/5d9b/schemas/person ");

        uri.Text.Should().Be("http://Metadata/api/v1/domains/5d9b/schemas/person");
        uri.LastSegment.Should().Be("person");
        uri.DomainSegment.Should().Be("5d9b");
    }

    [Test]
    public void New_object_ids_are_valid_unique_and_time_ordered()
    {
        var first = ObjectIdText.New(new DateTimeOffset(2024, 3, 12, 0, 0, 0, TimeSpan.Zero));
        var ids = Enumerable.Range(0, 1000).Select(_ => ObjectIdText.New()).ToList();

        ids.Should().OnlyHaveUniqueItems().And.OnlyContain(id => ObjectIdText.IsValid(id) && id == id.ToLowerInvariant());
        first.Should().StartWith("65ef9b00");
        string.CompareOrdinal(first, ids[0]).Should().BeNegative();
    }

    [Test]
    public void Ids_are_normalised_to_lower_case()
    {
        ConfigurationId.Parse("65F0C1AA0000000000000001").Value.Should().Be("65f0c1aa0000000000000001");
        AppId.TryParse("65F0C1AA0000000000000001", out var appId).Should().BeTrue();
        appId.Value.Should().Be("65f0c1aa0000000000000001");
        AppId.TryParse("nope", out _).Should().BeFalse();
    }
}
