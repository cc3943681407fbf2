using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Testing;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Application.Tests.Routing;

/// <summary>Every source and operation of the original README's example, through the policy and the table.</summary>
public sealed class ThreeAppExampleRoutingTests
{
    private static readonly object[] Cases =
    [
        new object[] { SnazzyOut, Operation.Create, RoutingOutcome.Routed, new[] { WiceCreate, OutlookCreate } },
        new object[] { SnazzyOut, Operation.Update, RoutingOutcome.Routed, new[] { WiceUpdate, OutlookUpdate } },
        new object[] { SnazzyOut, Operation.Delete, RoutingOutcome.NoMatchingTarget, Array.Empty<string>() },
        new object[] { WiceOut, Operation.Create, RoutingOutcome.Routed, new[] { SnazzyCreate, OutlookCreate } },
        new object[] { WiceOut, Operation.Update, RoutingOutcome.Routed, new[] { SnazzyUpdate, OutlookUpdate } },
        new object[] { WiceOut, Operation.Delete, RoutingOutcome.NoMatchingTarget, Array.Empty<string>() },
        new object[] { OutlookOut, Operation.Create, RoutingOutcome.SourceInactive, Array.Empty<string>() },
        new object[] { OutlookOut, Operation.Update, RoutingOutcome.SourceInactive, Array.Empty<string>() },
        new object[] { OutlookOut, Operation.Delete, RoutingOutcome.SourceInactive, Array.Empty<string>() },
        new object[] { "unknown-flow", Operation.Create, RoutingOutcome.UnknownSource, Array.Empty<string>() },
    ];

    [TestCaseSource(nameof(Cases))]
    public void Policy_routes_each_source_and_operation_to_exactly_the_expected_flows(
        string source, Operation operation, RoutingOutcome outcome, string[] expected)
    {
        var result = RoutingPolicy.Route(ThreeAppExample.Build(), RecordEvents.From(source, operation));

        result.Outcome.Should().Be(outcome);
        result.Targets.Select(t => t.FlowId.Value).Should().Equal(expected);
    }

    [TestCaseSource(nameof(Cases))]
    public void Table_routes_each_source_and_operation_to_exactly_the_expected_flows(
        string source, Operation operation, RoutingOutcome outcome, string[] expected)
    {
        var table = RoutingTables.Of([ThreeAppExample.Build()]);

        var result = table.Route(RecordEvents.From(source, operation));

        result.Outcome.Should().Be(outcome);
        result.Targets.Select(t => t.FlowId.Value).Should().Equal(expected);
    }

    [Test]
    public void Targets_carry_the_target_app_and_never_the_source_app()
    {
        var configuration = ThreeAppExample.Build();

        var result = RoutingTables.Of([configuration]).Route(RecordEvents.From(SnazzyOut, Operation.Create));

        result.Targets.Select(t => t.ApplicationUid.Value).Should().Equal("wice5678", "outlook9012");
        result.Targets.Should().OnlyContain(t => t.ConfigurationId == configuration.Id);
        result.Targets.Select(t => t.ApplicationUid.Value).Should().NotContain("snazzy1234");
    }
}
