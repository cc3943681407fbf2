using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Testing;

namespace Dispatcher.Application.Tests.Routing;

/// <summary>The individual routing rules, each through the policy, the table and the engine on one configuration (the preview's way).</summary>
public sealed class RoutingRulesTests
{
    private const string Person = ThreeAppExample.Person;
    private const string Organization = "http://metadata.openintegrationhub.com/api/v1/domains/5d9b/schemas/organization";

    private static IEnumerable<TestCaseData> Routers()
    {
        yield return new TestCaseData(new Func<Configuration, RecordEvent, RoutingResult>(RoutingPolicy.Route))
            .SetArgDisplayNames("policy");
        yield return new TestCaseData(new Func<Configuration, RecordEvent, RoutingResult>((c, e) => RoutingTables.Of([c]).Route(e)))
            .SetArgDisplayNames("table");
        yield return new TestCaseData(new Func<Configuration, RecordEvent, RoutingResult>((c, e) => new RoutingTable().Route(c, e)))
            .SetArgDisplayNames("engine, one configuration");
    }

    [TestCaseSource(nameof(Routers))]
    public void An_app_never_receives_its_own_change_even_with_a_matching_inbound_connection(
        Func<Configuration, RecordEvent, RoutingResult> route)
    {
        var configuration = new DispatchConfigurationBuilder()
            .With(new AppBuilder("a").Outbound(Person, "a-out").Inbound(Person, Operation.Create, "a-in"))
            .Build();

        var result = route(configuration, RecordEvents.From("a-out", Operation.Create));

        result.Outcome.Should().Be(RoutingOutcome.NoMatchingTarget);
        result.Targets.Should().BeEmpty();
    }

    [TestCaseSource(nameof(Routers))]
    public void Schema_must_match_and_operation_must_match(Func<Configuration, RecordEvent, RoutingResult> route)
    {
        var configuration = new DispatchConfigurationBuilder()
            .With(new AppBuilder("a").Outbound(Person, "a-out"))
            .With(new AppBuilder("b")
                .Inbound(Organization, Operation.Create, "b-org-create")
                .Inbound(Person, Operation.Update, "b-person-update")
                .Inbound(Person, Operation.Create, "b-person-create"))
            .Build();

        route(configuration, RecordEvents.From("a-out", Operation.Create)).Targets.Select(t => t.FlowId.Value)
            .Should().Equal("b-person-create");
        route(configuration, RecordEvents.From("a-out", Operation.Update)).Targets.Select(t => t.FlowId.Value)
            .Should().Equal("b-person-update");
    }

    [TestCaseSource(nameof(Routers))]
    public void Inactive_inbound_sides_and_unprovisioned_connections_receive_nothing(
        Func<Configuration, RecordEvent, RoutingResult> route)
    {
        var configuration = new DispatchConfigurationBuilder()
            .With(new AppBuilder("a").Outbound(Person, "a-out"))
            .With(new AppBuilder("b").Inbound(Person, Operation.Create, "b-in").InboundInactive())
            .With(new AppBuilder("c").Inbound(Person, Operation.Create, flowId: null))
            .With(new AppBuilder("d").Inbound(Person, Operation.Create, "d-in"))
            .Build();

        route(configuration, RecordEvents.From("a-out", Operation.Create)).Targets.Select(t => t.FlowId.Value)
            .Should().Equal("d-in");
    }

    [TestCaseSource(nameof(Routers))]
    public void Schema_uris_compare_as_uris_not_as_raw_strings(Func<Configuration, RecordEvent, RoutingResult> route)
    {
        var configuration = new DispatchConfigurationBuilder()
            .With(new AppBuilder("a").Outbound("HTTP://Metadata.Example.com:80/schemas/person", "a-out"))
            .With(new AppBuilder("b").Inbound("http://metadata.example.com/schemas/person", Operation.Create, "b-in"))
            .With(new AppBuilder("c").Inbound("http://metadata.example.com/schemas/Person", Operation.Create, "c-in"))
            .Build();

        route(configuration, RecordEvents.From("a-out", Operation.Create)).Targets.Select(t => t.FlowId.Value)
            .Should().Equal("b-in");
    }

    [TestCaseSource(nameof(Routers))]
    public void Only_the_source_connections_schema_counts_when_an_app_has_several_outbound_schemas(
        Func<Configuration, RecordEvent, RoutingResult> route)
    {
        var configuration = new DispatchConfigurationBuilder()
            .With(new AppBuilder("a").Outbound(Person, "a-person").Outbound(Organization, "a-org"))
            .With(new AppBuilder("b").Inbound(Person, Operation.Create, "b-person").Inbound(Organization, Operation.Create, "b-org"))
            .Build();

        route(configuration, RecordEvents.From("a-org", Operation.Create)).Targets.Select(t => t.FlowId.Value)
            .Should().Equal("b-org");
    }

    [Test]
    public void Table_over_several_configurations_uses_the_one_that_owns_the_source()
    {
        var first = new DispatchConfigurationBuilder().ForTenant("t1")
            .With(new AppBuilder("a").Outbound(Person, "t1-out"))
            .With(new AppBuilder("b").Inbound(Person, Operation.Create, "t1-in"))
            .Build();
        var second = new DispatchConfigurationBuilder().ForTenant("t2")
            .With(new AppBuilder("a").Outbound(Person, "t2-out"))
            .With(new AppBuilder("b").Inbound(Person, Operation.Create, "t2-in"))
            .Build();

        var table = RoutingTables.Of([first, second]);
        var result = table.Route(RecordEvents.From("t2-out", Operation.Create));

        result.Targets.Should().ContainSingle().Which.ConfigurationId.Should().Be(second.Id);
        table.Route(RecordEvents.From("nobody", Operation.Create)).Outcome
            .Should().Be(RoutingOutcome.UnknownSource);
    }
}

public sealed class RoutingTableVersionTests
{
    [Test]
    public void An_older_state_of_a_configuration_never_replaces_a_newer_one()
    {
        var newer = new DispatchConfigurationBuilder()
            .With(new AppBuilder("a").Outbound(ThreeAppExample.Person, "a-out"))
            .With(new AppBuilder("b").Inbound(ThreeAppExample.Person, Operation.Create, "b-in"))
            .Build();
        var older = Configuration.Rehydrate(newer.Id, newer.Tenant, newer.Name, newer.DataModel,
            [new AppBuilder("a").Outbound(ThreeAppExample.Person, "a-out").Build()], newer.CreatedAt, newer.UpdatedAt, version: 1);
        newer.MarkPersisted();
        newer.MarkPersisted();
        var table = new RoutingTable();

        table.Upsert(newer);
        table.Upsert(older);

        table.Route(RecordEvents.From("a-out", Operation.Create)).Targets.Select(t => t.FlowId.Value).Should().Equal("b-in");
        table.ConfigurationIds.Should().Equal(newer.Id);
    }
}
