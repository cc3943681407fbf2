using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;
using static Dispatcher.Application.Tests.Configurations.Inputs;

namespace Dispatcher.Application.Tests.Configurations;

public sealed class ConfigurationMappingTests
{
    // ---- building a new app ----

    [Test]
    public void Building_a_new_app_assigns_fresh_ids_to_the_app_and_its_connections()
    {
        var app = ConfigurationMapping.ToApp(Wice(), existing: null);

        var ids = app.Connections.Select(c => c.Id.Value).Prepend(app.Id.Value).ToList();
        ids.Should().HaveCount(4).And.OnlyHaveUniqueItems().And.OnlyContain(id => ObjectIdText.IsValid(id));
    }

    [Test]
    public void Building_a_new_app_assigns_no_flow_even_when_the_input_carries_flow_ids()
    {
        var input = MapConnections(Wice(), c => c with { FlowId = "someone-elses-flow" });

        var app = ConfigurationMapping.ToApp(input, existing: null);

        app.Connections.Should().HaveCount(3).And.OnlyContain(c => c.FlowId == null);
    }

    // ---- replacing an existing app ----

    [Test]
    public void A_connection_matched_by_id_keeps_its_id_and_flow_when_nothing_flow_relevant_changed()
    {
        var existing = ExistingWice();
        var input = MapConnections(ConfigurationMapping.ToInput(existing), c => c with { FlowId = null });

        var app = ConfigurationMapping.ToApp(input, existing);

        app.Id.Should().Be(existing.Id);
        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
    }

    [Test]
    public void A_connection_without_id_is_matched_by_its_flow_id()
    {
        var existing = ExistingWice();
        var input = MapConnections(ConfigurationMapping.ToInput(existing), c => c with { Id = null });

        var app = ConfigurationMapping.ToApp(input, existing);

        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
    }

    [Test]
    public void A_connection_without_id_whose_flow_id_the_app_does_not_have_gets_a_new_id_and_no_flow()
    {
        var existing = ExistingWice();
        var input = MapConnections(ConfigurationMapping.ToInput(existing), c => c with { Id = null, FlowId = "unknown-flow" });

        var app = ConfigurationMapping.ToApp(input, existing);

        app.Connections.Should().OnlyContain(c => c.FlowId == null);
        app.Connections.Select(c => c.Id).Should().NotIntersectWith(existing.Connections.Select(c => c.Id));
    }

    private static IEnumerable<TestCaseData> DefinitionChanges()
    {
        yield return Change("schemaUri", c => c with { SchemaUri = "http://metadata.openintegrationhub.com/api/v1/domains/5d9b/schemas/organization" });
        yield return Change("operation", c => c with { Operation = "DELETE" });
        yield return Change("adapterAction", c => c with { AdapterAction = "createPerson" });

        static TestCaseData Change(string member, Func<ConnectionInput, ConnectionInput> change) =>
            new TestCaseData(change).SetArgDisplayNames(member);
    }

    [TestCaseSource(nameof(DefinitionChanges))]
    public void A_connection_whose_definition_changed_keeps_its_id_but_loses_its_flow(Func<ConnectionInput, ConnectionInput> change)
    {
        var existing = ExistingWice();
        var input = ConfigurationMapping.ToInput(existing);
        input = input with { Inbound = input.Inbound! with { Flows = [change(input.Inbound.Flows![0]!), input.Inbound.Flows[1]] } };

        var app = ConfigurationMapping.ToApp(input, existing);

        var changed = app.Inbound.Connections[0];
        changed.Id.Should().Be(existing.Inbound.Connections[0].Id);
        changed.FlowId.Should().BeNull();
        IdsAndFlows(app).Where(c => c.Id != changed.Id).Should()
            .Equal(IdsAndFlows(existing).Where(c => c.Id != changed.Id), "the unchanged connections keep their flows");
    }

    private static IEnumerable<TestCaseData> FlowRelevantAppChanges()
    {
        yield return Change("applicationName", a => a with { ApplicationName = "Wice CRM 2" });
        yield return Change("secretId", a => a with { SecretId = SecretId });
        yield return Change("adapterComponentId", a => a with { AdapterComponentId = "5d2484d2a422ca001bda5699" });
        yield return Change("applicationUid", a => a with { ApplicationUid = "wice-renamed" });
        yield return Change("fields", a => a with { Fields = Json("""{"region":"us"}""") });

        static TestCaseData Change(string member, Func<AppInput, AppInput> change) =>
            new TestCaseData(change).SetArgDisplayNames(member);
    }

    [TestCaseSource(nameof(FlowRelevantAppChanges))]
    public void Changing_a_setting_that_flows_carry_loses_every_flow_of_the_app_but_keeps_the_ids(Func<AppInput, AppInput> change)
    {
        var existing = ExistingWice();

        var app = ConfigurationMapping.ToApp(change(ConfigurationMapping.ToInput(existing)), existing);

        app.Id.Should().Be(existing.Id);
        app.Connections.Select(c => c.Id).Should().Equal(existing.Connections.Select(c => c.Id));
        app.Connections.Should().OnlyContain(c => c.FlowId == null);
    }

    [Test]
    public void Changing_only_the_transformer_component_keeps_the_flows()
    {
        var existing = ExistingWice();
        var input = ConfigurationMapping.ToInput(existing) with { TransformerComponentId = "5d2484d2a422ca001bda5698" };

        var app = ConfigurationMapping.ToApp(input, existing);

        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
    }

    [Test]
    public void Switching_a_side_off_keeps_its_flows()
    {
        var existing = ExistingWice();
        var input = ConfigurationMapping.ToInput(existing);
        input = input with { Inbound = input.Inbound! with { Active = false } };

        var app = ConfigurationMapping.ToApp(input, existing);

        app.Inbound.Active.Should().BeFalse();
        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
    }

    // ---- partial change (ConfigurationMapping.Patch) ----

    [Test]
    public void Patch_replaces_the_given_members_and_keeps_the_absent_ones()
    {
        var existing = ExistingWice();

        var app = ConfigurationMapping.Patch(existing, new AppPatch { ApplicationName = "Wice CRM 2", Fields = Json("""{"region":"us"}""") });

        app.Id.Should().Be(existing.Id);
        app.ApplicationName.Should().Be("Wice CRM 2");
        app.Fields.Should().Be(AppFields.FromElement(Json("""{"region":"us"}""")));
        app.ApplicationUid.Should().Be(existing.ApplicationUid);
        app.AdapterComponentId.Should().Be(existing.AdapterComponentId);
        app.TransformerComponentId.Should().Be(existing.TransformerComponentId);
        app.SecretId.Should().Be(existing.SecretId);
        app.Outbound.Active.Should().Be(existing.Outbound.Active);
        app.Inbound.Active.Should().Be(existing.Inbound.Active);
        app.Connections.Select(c => c.Id).Should().Equal(existing.Connections.Select(c => c.Id));
    }

    [TestCase(Direction.Inbound, false)]
    [TestCase(Direction.Outbound, false)]
    [TestCase(Direction.Inbound, true)]
    public void Patch_with_only_active_for_a_side_switches_it_and_keeps_every_connection_and_flow(Direction direction, bool active)
    {
        var existing = active ? ExistingWice(inboundActive: false) : ExistingWice();
        var side = new SideInput { Active = active };
        var patch = direction == Direction.Inbound ? new AppPatch { Inbound = side } : new AppPatch { Outbound = side };

        var app = ConfigurationMapping.Patch(existing, patch);

        app.Side(direction).Active.Should().Be(active);
        var other = direction == Direction.Inbound ? Direction.Outbound : Direction.Inbound;
        app.Side(other).Active.Should().Be(existing.Side(other).Active);
        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
        app.Connections.Zip(existing.Connections).Should().OnlyContain(p => p.First.HasSameDefinitionAs(p.Second));
    }

    [Test]
    public void Patch_with_nothing_keeps_the_app_as_it_is()
    {
        var existing = ExistingWice();

        var app = ConfigurationMapping.Patch(existing, new AppPatch());

        app.IsSameAs(existing).Should().BeTrue();
    }

    [Test]
    public void Patch_with_only_flows_for_a_side_keeps_that_sides_active_flag_and_the_other_side()
    {
        var existing = ExistingWice(inboundActive: false);
        var organization = "http://metadata.openintegrationhub.com/api/v1/domains/5d9b/schemas/organization";

        var app = ConfigurationMapping.Patch(existing, new AppPatch { Inbound = new SideInput { Flows = [In("CREATE", organization)] } });

        app.Inbound.Active.Should().BeFalse("the patch did not mention active");
        app.Inbound.Connections.Should().ContainSingle().Which.SchemaUri.Text.Should().Be(organization);
        app.Inbound.Connections[0].FlowId.Should().BeNull();
        app.Inbound.Connections[0].Id.Should().NotBe(existing.Inbound.Connections[0].Id);
        IdsAndFlows(app).Where(c => app.Outbound.Connections.Any(o => o.Id == c.Id)).Should()
            .Equal(existing.Outbound.Connections.Select(c => (c.Id, c.FlowId)), "the outbound side was not part of the patch");
    }

    [Test]
    public void Patch_with_flows_matches_them_to_the_sides_connections_by_id_and_keeps_the_unchanged_ones_flows()
    {
        var existing = ExistingWice();
        var current = ConfigurationMapping.ToInput(existing).Inbound!.Flows!;
        var changed = current[1]! with { AdapterAction = "upsertDifferently" };

        var app = ConfigurationMapping.Patch(existing, new AppPatch { Inbound = new SideInput { Flows = [current[0]! with { FlowId = null }, changed] } });

        app.Inbound.Connections.Select(c => c.Id).Should().Equal(existing.Inbound.Connections.Select(c => c.Id));
        app.Inbound.Connections[0].FlowId.Should().Be(existing.Inbound.Connections[0].FlowId);
        app.Inbound.Connections[1].FlowId.Should().BeNull("its definition changed");
        app.Inbound.Active.Should().BeTrue();
    }

    [Test]
    public void Patch_with_flows_that_carry_unknown_flow_ids_assigns_no_flow()
    {
        var existing = ExistingWice();

        var app = ConfigurationMapping.Patch(existing, new AppPatch
        {
            Outbound = new SideInput { Flows = [Out() with { FlowId = "someone-elses-flow" }] },
        });

        app.Outbound.Connections.Should().ContainSingle().Which.FlowId.Should().BeNull();
    }

    private static IEnumerable<TestCaseData> FlowRelevantPatches()
    {
        yield return Change("applicationName", new AppPatch { ApplicationName = "Wice CRM 2" });
        yield return Change("secretId", new AppPatch { SecretId = SecretId });
        yield return Change("adapterComponentId", new AppPatch { AdapterComponentId = "5d2484d2a422ca001bda5699" });
        yield return Change("applicationUid", new AppPatch { ApplicationUid = "wice-renamed" });
        yield return Change("fields", new AppPatch { Fields = Json("""{"region":"us"}""") });
        yield return Change("secretId+inbound.active", new AppPatch { SecretId = SecretId, Inbound = new SideInput { Active = false } });

        static TestCaseData Change(string member, AppPatch patch) => new TestCaseData(patch).SetArgDisplayNames(member);
    }

    [TestCaseSource(nameof(FlowRelevantPatches))]
    public void Patching_a_setting_that_flows_carry_drops_the_flows_of_both_sides_but_keeps_the_ids(AppPatch patch)
    {
        var existing = ExistingWice();

        var app = ConfigurationMapping.Patch(existing, patch);

        app.Id.Should().Be(existing.Id);
        app.Connections.Select(c => c.Id).Should().Equal(existing.Connections.Select(c => c.Id));
        app.Connections.Should().OnlyContain(c => c.FlowId == null, "every flow embeds the app's settings, also on sides the patch did not mention");
        app.Connections.Zip(existing.Connections).Should().OnlyContain(p => p.First.HasSameDefinitionAs(p.Second));
    }

    [Test]
    public void Patching_a_setting_that_flows_carry_together_with_a_sides_flows_drops_the_flows_of_both_sides()
    {
        var existing = ExistingWice();
        var inbound = ConfigurationMapping.ToInput(existing).Inbound!;

        var app = ConfigurationMapping.Patch(existing, new AppPatch { SecretId = SecretId, Inbound = inbound });

        app.Connections.Select(c => c.Id).Should().Equal(existing.Connections.Select(c => c.Id));
        app.Connections.Should().OnlyContain(c => c.FlowId == null);
    }

    [Test]
    public void Patching_a_setting_to_the_value_it_has_keeps_the_flows()
    {
        var existing = ExistingWice();

        var app = ConfigurationMapping.Patch(existing, new AppPatch
        {
            ApplicationName = existing.ApplicationName,
            AdapterComponentId = existing.AdapterComponentId,
            ApplicationUid = existing.ApplicationUid.Value,
        });

        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
    }

    [Test]
    public void Patching_only_the_transformer_component_keeps_the_flows()
    {
        var existing = ExistingWice();

        var app = ConfigurationMapping.Patch(existing, new AppPatch { TransformerComponentId = "5d2484d2a422ca001bda5698" });

        app.TransformerComponentId.Should().Be("5d2484d2a422ca001bda5698");
        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
    }

    // ---- operations ----

    [TestCase("CREATE", Operation.Create)]
    [TestCase("create", Operation.Create)]
    [TestCase("Update", Operation.Update)]
    [TestCase("UPDATE", Operation.Update)]
    [TestCase("dElEtE", Operation.Delete)]
    [TestCase("DELETE", Operation.Delete)]
    public void ParseOperation_accepts_the_three_names_in_any_case(string text, Operation expected) =>
        ConfigurationMapping.ParseOperation(text).Should().Be(expected);

    [TestCase("1")]
    [TestCase("3")]
    [TestCase("MERGE")]
    [TestCase("")]
    [TestCase(null)]
    [TestCase("CREATE,UPDATE")]
    [TestCase("create,create")]
    public void ParseOperation_rejects_anything_else(string? text) =>
        ConfigurationMapping.ParseOperation(text).Should().BeNull();

    // ---- helpers ----

    /// <summary>Wice CRM as stored: every connection provisioned.</summary>
    private static App ExistingWice(bool inboundActive = true)
    {
        var builder = new AppBuilder("wice5678", "Wice CRM")
            .Outbound(Person, "wice-out")
            .Inbound(Person, Operation.Create, "wice-in-create")
            .Inbound(Person, Operation.Update, "wice-in-update");
        return (inboundActive ? builder : builder.InboundInactive()).Build();
    }

    private static IEnumerable<(ConnectionId Id, FlowId? FlowId)> IdsAndFlows(App app) =>
        app.Connections.Select(c => (c.Id, c.FlowId));

    private static AppInput MapConnections(AppInput app, Func<ConnectionInput, ConnectionInput> change) => app with
    {
        Outbound = app.Outbound! with { Flows = [.. app.Outbound.Flows!.Select(c => change(c!))] },
        Inbound = app.Inbound! with { Flows = [.. app.Inbound.Flows!.Select(c => change(c!))] },
    };
}
