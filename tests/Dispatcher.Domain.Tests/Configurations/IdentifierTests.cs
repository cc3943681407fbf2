using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Tests.Configurations;

/// <summary>The one id pattern (ADR 0013): parsing without exceptions, and a <c>default</c> id that is harmless.</summary>
public sealed class IdentifierTests
{
    private const string Hex = "65F0A1B2C3D4E5F60718293A";

    [Test]
    public void Every_object_id_kind_parses_lower_cases_and_round_trips()
    {
        AppId.Parse(Hex).Value.Should().Be(Hex.ToLowerInvariant());
        ConfigurationId.Parse(Hex).Value.Should().Be(Hex.ToLowerInvariant());
        ConnectionId.Parse(Hex).ToString().Should().Be(Hex.ToLowerInvariant());

        AppId.TryParse(Hex, out var app).Should().BeTrue();
        app.Should().Be(AppId.Parse(Hex.ToLowerInvariant()));
        ConnectionId.TryParse("not an id", out var connection).Should().BeFalse();
        connection.Should().Be(default(ConnectionId));
    }

    [Test]
    public void Errors_name_the_kind_of_id()
    {
        var act = () => ConnectionId.Parse("nope");

        act.Should().Throw<DomainRuleViolationException>()
            .Which.Message.Should().StartWith("Connection id must be 24 hexadecimal digits");
    }

    [Test]
    public void New_ids_are_distinct_valid_object_ids()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => ConfigurationId.New()).ToList();

        ids.Should().OnlyHaveUniqueItems();
        ids.Should().OnlyContain(id => ObjectIdText.IsValid(id.Value));
    }

    [Test]
    public void A_default_id_has_empty_text_and_equals_no_real_id()
    {
        default(AppId).Value.Should().BeEmpty();
        default(ConfigurationId).ToString().Should().BeEmpty();
        default(ConnectionId).Should().NotBe(ConnectionId.Parse(Hex));
        default(FlowId).Value.Should().BeEmpty();
        default(TenantId).Value.Should().BeEmpty();
        default(ApplicationUid).ToString().Should().BeEmpty();
    }

    [Test]
    public void An_app_with_a_default_applicationUid_is_refused()
    {
        var act = () => App.Create(
            AppId.New(), default, "CRM", AppSide.Create(Direction.Outbound, true, []), AppSide.Create(Direction.Inbound, true, []));

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.Required);
    }

    [TestCase("https://schemas.example/person", true)]
    [TestCase("  urn:example:person  ", true)]
    [TestCase("/relative/path", false)]
    [TestCase("no scheme", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void SchemaUri_TryParse_answers_without_throwing(string? text, bool valid)
    {
        SchemaUri.TryParse(text, out var schemaUri).Should().Be(valid);
        if (valid)
        {
            schemaUri!.Text.Should().Be(text!.Trim());
            SchemaUri.Parse(text).Should().Be(schemaUri);
        }
        else
        {
            schemaUri.Should().BeNull();
        }
    }
}
