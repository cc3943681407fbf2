using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Testing.Tests;

public sealed class BuilderTests
{
    [Test]
    public void The_three_app_example_has_the_apps_flows_and_sides_of_the_original_readme()
    {
        var configuration = ThreeAppExample.Build();

        configuration.Apps.Select(a => (a.ApplicationUid.Value, a.ApplicationName, a.Outbound.Active, a.Inbound.Active)).Should().Equal(
            (SnazzyUid, "SnazzyContacts", true, true),
            (WiceUid, "Wice CRM", true, true),
            (OutlookUid, "MS Outlook", false, true));
        configuration.Apps.Select(a => a.Outbound.Connections.Single().FlowId!.Value.Value).Should().Equal(SnazzyOut, WiceOut, OutlookOut);
        configuration.Apps.Select(a => a.Inbound.Connections.Select(c => (c.Operation, c.FlowId!.Value.Value)).ToList()).Should().BeEquivalentTo(
            new[]
            {
                new[] { ((Operation?)Operation.Create, SnazzyCreate), (Operation.Update, SnazzyUpdate) },
                new[] { ((Operation?)Operation.Create, WiceCreate), (Operation.Update, WiceUpdate) },
                new[] { ((Operation?)Operation.Create, OutlookCreate), (Operation.Update, OutlookUpdate) },
            },
            options => options.WithStrictOrdering());
        configuration.Apps.SelectMany(a => a.Connections).Should().OnlyContain(c => c.SchemaUri.Equals(SchemaUri.Parse(Person)));
        configuration.Tenant.Value.Should().Be("tenant-a");
        ThreeAppExample.Build("tenant-b").Tenant.Value.Should().Be("tenant-b");
    }

    [Test]
    public void Every_build_of_the_example_is_a_new_configuration_with_new_entity_ids()
    {
        var first = ThreeAppExample.Build();
        var second = ThreeAppExample.Build();

        second.Id.Should().NotBe(first.Id);
        second.Apps.SelectMany(a => a.Connections).Select(c => c.Id).Should()
            .NotIntersectWith(first.Apps.SelectMany(a => a.Connections).Select(c => c.Id));
    }

    [Test]
    public void The_example_builder_can_be_extended_with_a_fourth_app()
    {
        var configuration = ThreeAppExample.Builder()
            .With(new AppBuilder("crm42", "Other CRM").Inbound(Person, Operation.Create, "crm-in-create"))
            .Build();

        configuration.Apps.Select(a => a.ApplicationUid.Value).Should().Equal(SnazzyUid, WiceUid, OutlookUid, "crm42");
    }

    [Test]
    public void The_configuration_builder_has_fixed_defaults_and_takes_overrides()
    {
        var id = ConfigurationId.Parse("65f0000000000000000000aa");

        var defaults = new DispatchConfigurationBuilder().Build();
        var custom = new DispatchConfigurationBuilder().WithId(id).ForTenant("tenant-z").Named("Mine").WithDataModel(null).Build();

        (defaults.Tenant.Value, defaults.Name, defaults.DataModel, defaults.CreatedAt, defaults.Version, defaults.Apps.Count)
            .Should().Be(("tenant-a", "Test configuration", "domain-1", DispatchConfigurationBuilder.Now, 0L, 0));
        DispatchConfigurationBuilder.Now.Should().Be(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        (custom.Id, custom.Tenant.Value, custom.Name, custom.DataModel).Should().Be((id, "tenant-z", "Mine", (string?)null));
    }

    [Test]
    public void The_domain_invariants_apply_to_built_configurations()
    {
        var act = () => new DispatchConfigurationBuilder()
            .With(new AppBuilder("a1").Outbound(Person, "same-flow"))
            .With(new AppBuilder("b2").Outbound(Person, "same-flow"))
            .Build();

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.FlowIdUnique);
    }

    [Test]
    public void The_app_builder_sets_sides_connections_actions_and_ids()
    {
        var id = AppId.Parse("65f0000000000000000000bb");
        var builder = new AppBuilder("a1")
            .WithId(id)
            .Outbound(Person)
            .Inbound(Person, Operation.Delete, "a1-in-delete", adapterAction: "removePerson")
            .Inbound(Person, Operation.Update)
            .OutboundInactive()
            .InboundInactive();

        var app = builder.Build();
        var again = builder.Build();

        (app.Id, app.ApplicationUid.Value, app.ApplicationName, app.Outbound.Active, app.Inbound.Active).Should().Be((id, "a1", "a1", false, false));
        app.AdapterComponentId.Should().Be(AppBuilder.DefaultAdapterComponentId);
        var outbound = app.Outbound.Connections.Should().ContainSingle().Subject;
        (outbound.IsProvisioned, outbound.AdapterAction).Should().Be((false, "getObjects"));
        app.Inbound.Connections.Select(c => (c.Operation, c.FlowId?.Value, c.AdapterAction)).Should().Equal(
            (Operation.Delete, "a1-in-delete", "removePerson"),
            (Operation.Update, null, "upsertUpdate"));
        again.Connections.Select(c => c.Id).Should().NotIntersectWith(app.Connections.Select(c => c.Id), "each build has its own connections");
    }

    [Test]
    public void An_invalid_flow_id_is_rejected_when_the_connection_is_added()
    {
        var act = () => new AppBuilder("a1").Outbound(Person, "not a flow id");

        act.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.IdFormat);
    }
}
