using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Documents;

namespace Dispatcher.Infrastructure.Tests.Persistence;

[TestFixture]
public sealed class SchemaUriCacheTests
{
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
}
