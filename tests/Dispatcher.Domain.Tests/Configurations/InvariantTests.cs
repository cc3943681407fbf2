using System.Text.Json;
using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;

namespace Dispatcher.Domain.Tests.Configurations;

public sealed class InvariantTests
{
    private const string Person = ThreeAppExample.Person;
    private static readonly DateTimeOffset Now = DispatchConfigurationBuilder.Now;

    [Test]
    public void ApplicationUid_is_unique_in_a_configuration()
    {
        var act = () => new DispatchConfigurationBuilder().With(new AppBuilder("same")).With(new AppBuilder("same")).Build();

        act.Should().Throw<DomainRuleViolationException>()
            .Which.Rule.Should().Be(DomainRules.ApplicationUidUnique);
    }

    [Test]
    public void Adding_an_app_with_a_taken_applicationUid_is_rejected_and_changes_nothing()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();

        var act = () => configuration.AddApp(new AppBuilder("wice5678").Build(), Now);

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.ApplicationUidUnique);
        configuration.Apps.Should().HaveCount(3);
        configuration.DomainEvents.Should().BeEmpty();
    }

    [Test]
    public void An_inbound_connection_needs_an_operation()
    {
        var act = () => Connection.Create(ConnectionId.New(), Direction.Inbound, SchemaUri.Parse(Person), operation: null);

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.ConnectionOperation);
    }

    [Test]
    public void An_outbound_connection_has_no_operation()
    {
        var act = () => Connection.Create(ConnectionId.New(), Direction.Outbound, SchemaUri.Parse(Person), Operation.Create);

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.ConnectionOperation);
    }

    [Test]
    public void A_side_accepts_only_connections_of_its_direction()
    {
        var inbound = Connection.Inbound(ConnectionId.New(), SchemaUri.Parse(Person), Operation.Create);

        var act = () => AppSide.Create(Direction.Outbound, true, [inbound]);

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.ConnectionOperation);
    }

    [TestCase("person")]
    [TestCase("/schemas/person")]
    [TestCase("metadata.example.com/schemas/person")]
    [TestCase("")]
    public void SchemaUri_must_be_absolute(string value)
    {
        var act = () => SchemaUri.Parse(value);

        act.Should().Throw<DomainRuleViolationException>()
            .Which.Rule.Should().BeOneOf(DomainRules.SchemaUriAbsolute, DomainRules.Required);
    }

    [Test]
    public void A_flow_id_appears_at_most_once_in_a_configuration()
    {
        var act = () => new DispatchConfigurationBuilder()
            .With(new AppBuilder("a").Outbound(Person, "shared"))
            .With(new AppBuilder("b").Inbound(Person, Operation.Create, "shared"))
            .Build();

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.FlowIdUnique);
    }

    [Test]
    public void Assigning_a_flow_id_already_used_by_another_connection_is_rejected()
    {
        var configuration = ThreeAppExample.Build();
        var unprovisioned = Connection.Inbound(ConnectionId.New(), SchemaUri.Parse(Person), Operation.Delete);
        configuration.AddApp(App.Create(AppId.New(), ApplicationUid.Parse("new"), "New",
            AppSide.Empty(Direction.Outbound), AppSide.Create(Direction.Inbound, true, [unprovisioned])), Now);

        var act = () => configuration.AssignFlow(unprovisioned.Id, FlowId.Parse(ThreeAppExample.WiceOut), Now);

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.FlowIdUnique);
        unprovisioned.FlowId.Should().BeNull();
    }

    [Test]
    public void Assigning_many_flows_at_once_assigns_every_one_or_none()
    {
        var configuration = ThreeAppExample.Build();
        var first = Connection.Inbound(ConnectionId.New(), SchemaUri.Parse(Person), Operation.Delete);
        var second = Connection.Inbound(ConnectionId.New(), SchemaUri.Parse("http://metadata.openintegrationhub.com/api/v1/domains/5d9b/schemas/organization"), Operation.Delete);
        configuration.AddApp(App.Create(AppId.New(), ApplicationUid.Parse("new"), "New",
            AppSide.Empty(Direction.Outbound), AppSide.Create(Direction.Inbound, true, [first, second])), Now);
        configuration.ClearDomainEvents();
        var flowA = FlowId.Parse("aaaaaaaaaaaaaaaaaaaaaaaa");
        var flowB = FlowId.Parse("bbbbbbbbbbbbbbbbbbbbbbbb");

        var clash = () => configuration.AssignFlows([new(first.Id, flowA), new(second.Id, flowA)], Now);
        var unknown = () => configuration.AssignFlows([new(first.Id, flowA), new(ConnectionId.New(), flowB)], Now);

        clash.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.FlowIdUnique);
        unknown.Should().Throw<DomainRuleViolationException>();
        first.FlowId.Should().BeNull("a refused batch assigns nothing");
        configuration.DomainEvents.Should().BeEmpty();

        configuration.AssignFlows([new(first.Id, flowA), new(second.Id, flowB)], Now);

        (first.FlowId, second.FlowId).Should().Be((flowA, flowB));
        configuration.DomainEvents.OfType<FlowAssigned>().Select(e => e.FlowId).Should().Equal(flowA, flowB);
    }

    [Test]
    public void Two_identical_connections_on_one_side_are_rejected()
    {
        var act = () => new AppBuilder("a")
            .Inbound(Person, Operation.Create, adapterAction: "createContact")
            .Inbound("HTTP://METADATA.OPENINTEGRATIONHUB.COM/api/v1/domains/5d9b/schemas/person",
                Operation.Create, adapterAction: "createContact")
            .Build();

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.ConnectionUnique);
    }

    [Test]
    public void Same_schema_and_operation_with_another_adapter_action_is_a_different_connection()
    {
        var app = new AppBuilder("a")
            .Inbound(Person, Operation.Create, adapterAction: "createContact")
            .Inbound(Person, Operation.Create, adapterAction: "createLead")
            .Build();

        app.Inbound.Connections.Should().HaveCount(2);
    }

    [Test]
    public void App_fields_must_be_a_json_object()
    {
        var act = () => AppFields.FromElement(JsonDocument.Parse("[1,2]").RootElement);

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.FieldsObject);
        AppFields.FromElement(JsonDocument.Parse("""{ "a" : 1 }""").RootElement).Json.Should().Be("""{"a":1}""");
    }

    [TestCase("not-hex-not-hex-not-hex!")]
    [TestCase("65f00000000000000000000")]
    [TestCase("")]
    public void Entity_ids_are_24_hex_digits(string value)
    {
        var act = () => ConfigurationId.Parse(value);

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.IdFormat);
    }

    [TestCase("dispatch.x")]
    [TestCase("a#b")]
    [TestCase("a b")]
    [TestCase("")]
    public void Flow_ids_cannot_carry_characters_that_change_amqp_routing(string value)
    {
        FlowId.TryParse(value, out _).Should().BeFalse();
        var act = () => FlowId.Parse(value);
        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.IdFormat);
    }

    [Test]
    public void A_name_is_required()
    {
        var act = () => Configuration.Create(ConfigurationId.New(), TenantId.Parse("t"), "  ", null, [], Now);

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.Required);
    }
}
