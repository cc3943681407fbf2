using Dispatcher.Application.Configurations.Models;
using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Tests.Builders;
using static Dispatcher.Application.Tests.Configurations.Inputs;

namespace Dispatcher.Application.Tests.Configurations;

public sealed class AppAssemblerTests
{
    // ---- building a new app ----

    [Test]
    public void Building_a_new_app_assigns_fresh_ids_to_the_app_and_its_connections()
    {
        var app = AppAssembler.Build(Wice(), existing: null);

        var ids = app.Connections.Select(c => c.Id.Value).Prepend(app.Id.Value).ToList();
        ids.Should().HaveCount(4).And.OnlyHaveUniqueItems().And.OnlyContain(id => ObjectIdText.IsValid(id));
    }

    [Test]
    public void Building_a_new_app_assigns_no_flow_even_when_the_input_carries_flow_ids()
    {
        var input = MapConnections(Wice(), c => c with { FlowId = "someone-elses-flow" });

        var app = AppAssembler.Build(input, existing: null);

        app.Connections.Should().HaveCount(3).And.OnlyContain(c => c.FlowId == null);
    }

    // ---- replacing an existing app ----

    [Test]
    public void A_connection_matched_by_id_keeps_its_id_and_flow_when_nothing_flow_relevant_changed()
    {
        var existing = ExistingWice();
        var input = MapConnections(AppAssembler.ToInput(existing), c => c with { FlowId = null });

        var app = AppAssembler.Build(input, existing);

        app.Id.Should().Be(existing.Id);
        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
    }

    [Test]
    public void A_connection_without_id_is_matched_by_its_flow_id()
    {
        var existing = ExistingWice();
        var input = MapConnections(AppAssembler.ToInput(existing), c => c with { Id = null });

        var app = AppAssembler.Build(input, existing);

        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
    }

    [Test]
    public void A_connection_without_id_whose_flow_id_the_app_does_not_have_gets_a_new_id_and_no_flow()
    {
        var existing = ExistingWice();
        var input = MapConnections(AppAssembler.ToInput(existing), c => c with { Id = null, FlowId = "unknown-flow" });

        var app = AppAssembler.Build(input, existing);

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
        var input = AppAssembler.ToInput(existing);
        input = input with { Inbound = input.Inbound! with { Flows = [change(input.Inbound.Flows![0]!), input.Inbound.Flows[1]] } };

        var app = AppAssembler.Build(input, existing);

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

        var app = AppAssembler.Build(change(AppAssembler.ToInput(existing)), existing);

        app.Id.Should().Be(existing.Id);
        app.Connections.Select(c => c.Id).Should().Equal(existing.Connections.Select(c => c.Id));
        app.Connections.Should().OnlyContain(c => c.FlowId == null);
    }

    [Test]
    public void Changing_only_the_transformer_component_keeps_the_flows()
    {
        var existing = ExistingWice();
        var input = AppAssembler.ToInput(existing) with { TransformerComponentId = "5d2484d2a422ca001bda5698" };

        var app = AppAssembler.Build(input, existing);

        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
    }

    [Test]
    public void Switching_a_side_off_keeps_its_flows()
    {
        var existing = ExistingWice();
        var input = AppAssembler.ToInput(existing);
        input = input with { Inbound = input.Inbound! with { Active = false } };

        var app = AppAssembler.Build(input, existing);

        app.Inbound.Active.Should().BeFalse();
        IdsAndFlows(app).Should().Equal(IdsAndFlows(existing));
    }

    // ---- partial change ----

    [Test]
    public void Apply_replaces_the_given_members_and_keeps_the_absent_ones()
    {
        var current = Wice();
        var fields = Json("""{"region":"us"}""");

        var result = AppAssembler.Apply(current, new AppPatch { ApplicationName = "Wice CRM 2", Fields = fields });

        result.Should().Be(current with { ApplicationName = "Wice CRM 2", Fields = fields });
    }

    [Test]
    public void Apply_with_only_active_for_a_side_keeps_that_sides_flows()
    {
        var current = Wice();

        var result = AppAssembler.Apply(current, new AppPatch { Inbound = new SideInput { Active = false } });

        result.Inbound!.Active.Should().BeFalse();
        result.Inbound.Flows.Should().BeSameAs(current.Inbound!.Flows);
        result.Outbound.Should().BeSameAs(current.Outbound);
    }

    [Test]
    public void Apply_with_only_flows_for_a_side_keeps_that_sides_active_flag()
    {
        var current = Wice();
        ConnectionInput[] flows = [Out("http://metadata.openintegrationhub.com/api/v1/domains/5d9b/schemas/organization")];

        var result = AppAssembler.Apply(current, new AppPatch { Outbound = new SideInput { Flows = flows } });

        result.Outbound!.Active.Should().BeTrue();
        result.Outbound.Flows.Should().BeSameAs(flows);
        result.Inbound.Should().BeSameAs(current.Inbound);
    }

    // ---- operations ----

    [TestCase("CREATE", Operation.Create)]
    [TestCase("create", Operation.Create)]
    [TestCase("Update", Operation.Update)]
    [TestCase("UPDATE", Operation.Update)]
    [TestCase("dElEtE", Operation.Delete)]
    [TestCase("DELETE", Operation.Delete)]
    public void ParseOperation_accepts_the_three_names_in_any_case(string text, Operation expected) =>
        AppAssembler.ParseOperation(text).Should().Be(expected);

    [TestCase("1")]
    [TestCase("3")]
    [TestCase("MERGE")]
    [TestCase("")]
    [TestCase(null)]
    [TestCase("CREATE,UPDATE")]
    [TestCase("create,create")]
    public void ParseOperation_rejects_anything_else(string? text) =>
        AppAssembler.ParseOperation(text).Should().BeNull();

    // ---- helpers ----

    /// <summary>Wice CRM as stored: every connection provisioned.</summary>
    private static App ExistingWice() => new AppBuilder("wice5678", "Wice CRM")
        .Outbound(Person, "wice-out")
        .Inbound(Person, Operation.Create, "wice-in-create")
        .Inbound(Person, Operation.Update, "wice-in-update")
        .Build();

    private static IEnumerable<(ConnectionId Id, FlowId? FlowId)> IdsAndFlows(App app) =>
        app.Connections.Select(c => (c.Id, c.FlowId));

    private static AppInput MapConnections(AppInput app, Func<ConnectionInput, ConnectionInput> change) => app with
    {
        Outbound = app.Outbound! with { Flows = [.. app.Outbound.Flows!.Select(c => change(c!))] },
        Inbound = app.Inbound! with { Flows = [.. app.Inbound.Flows!.Select(c => change(c!))] },
    };
}
