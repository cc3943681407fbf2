using Dispatcher.TestSupport.Domain;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Testing;

namespace Dispatcher.Application.Tests.Routing;

/// <summary>
/// Property-style checks with a fixed seed: over randomly generated configurations, the routing table answers every
/// event exactly as the per-configuration policy (the specification) does, both when built and after incremental
/// updates, and so does the engine routing within the one configuration (the preview's way).
/// </summary>
public sealed class RoutingTablePropertyTests
{
    private static readonly string[] Schemas =
    [
        "http://meta.example.com/domains/d1/schemas/person",
        "HTTP://META.EXAMPLE.COM/domains/d1/schemas/person",
        "http://meta.example.com/domains/d1/schemas/organization",
        "http://meta.example.com/domains/d2/schemas/person",
        "urn:example:schemas:contact",
    ];

    private static readonly Operation[] Operations = [Operation.Create, Operation.Update, Operation.Delete];
    private static readonly DateTimeOffset Now = DispatchConfigurationBuilder.Now;

    [TestCase(20261126)]
    [TestCase(42)]
    [TestCase(7)]
    public void Table_answers_like_the_policy_for_random_configurations(int seed)
    {
        var generator = new Generator(seed);
        var configurations = Enumerable.Range(0, 150).Select(_ => generator.Configuration()).ToList();

        var table = RoutingTables.Of(configurations);

        var checkedRouted = AssertSameAnswers(table, configurations, generator);
        checkedRouted.Should().BeGreaterThan(100, "the generated data must exercise real fan-out, not only empty routes");
        table.ConfigurationCount.Should().Be(configurations.Count);
    }

    [TestCase(20261126)]
    [TestCase(99)]
    public void Table_answers_like_the_policy_after_incremental_updates(int seed)
    {
        var generator = new Generator(seed);
        var configurations = Enumerable.Range(0, 100).Select(_ => generator.Configuration()).ToList();
        var table = RoutingTables.Of(configurations);
        var random = new Random(seed);

        for (var round = 0; round < 300; round++)
        {
            var index = random.Next(configurations.Count);
            var configuration = configurations[index];
            switch (random.Next(6))
            {
                case 0 when configuration.Apps.Count > 0:
                    var app = configuration.Apps[random.Next(configuration.Apps.Count)];
                    var direction = random.Next(2) == 0 ? Direction.Outbound : Direction.Inbound;
                    if (app.Side(direction).Active)
                    {
                        configuration.SwitchSide(app.Id, direction, active: false, Now);
                    }
                    else
                    {
                        configuration.SwitchSide(app.Id, direction, active: true, Now);
                    }

                    table.Upsert(configuration);
                    break;
                case 1 when configuration.Apps.Count > 0:
                    configuration.RemoveApp(configuration.Apps[random.Next(configuration.Apps.Count)].Id, Now);
                    table.Upsert(configuration);
                    break;
                case 2:
                    configuration.AddApp(generator.App(), Now);
                    table.Upsert(configuration);
                    break;
                case 3:
                    var unprovisioned = configuration.Apps.SelectMany(a => a.Connections).FirstOrDefault(c => c.FlowId is null);
                    if (unprovisioned is not null)
                    {
                        configuration.AssignFlow(unprovisioned.Id, generator.NextFlowId(), Now);
                        table.Upsert(configuration);
                    }

                    break;
                case 4:
                    table.Remove(configuration.Id);
                    configurations[index] = generator.Configuration();
                    table.Upsert(configurations[index]);
                    break;
                default:
                    configuration.ReplaceApps([.. configuration.Apps.Reverse()], Now);
                    table.Upsert(configuration);
                    break;
            }
        }

        AssertSameAnswers(table, configurations, generator).Should().BeGreaterThan(50);
        table.ConfigurationCount.Should().Be(configurations.Count);
        table.SourceCount.Should().Be(RoutingTables.Of(configurations).SourceCount,
            "entries of removed apps and configurations must be gone");
    }

    private static int AssertSameAnswers(RoutingTable table, List<Configuration> configurations, Generator generator)
    {
        var routed = 0;
        var sources = configurations.SelectMany(c => c.Apps).SelectMany(a => a.Outbound.Connections)
            .Where(c => c.FlowId is not null).Select(c => c.FlowId!.Value.Value)
            .Concat(Enumerable.Range(0, 20).Select(_ => generator.NextFlowId().Value));
        foreach (var source in sources)
        {
            foreach (var operation in Operations)
            {
                var recordEvent = RecordEvents.From(source, operation);
                var (owner, expected) = PolicyOver(configurations, recordEvent);
                var actual = table.Route(recordEvent);

                actual.Outcome.Should().Be(expected.Outcome, "source {0} {1}", source, operation);
                actual.Targets.Should().Equal(expected.Targets, "source {0} {1}", source, operation);
                if (owner is not null)
                {
                    var alone = table.Route(owner, recordEvent);
                    alone.Outcome.Should().Be(expected.Outcome, "source {0} {1}, one configuration (the preview's way)", source, operation);
                    alone.Targets.Should().Equal(expected.Targets, "source {0} {1}, one configuration", source, operation);
                }

                routed += actual.Outcome == RoutingOutcome.Routed ? 1 : 0;
            }
        }

        return routed;
    }

    // The specification over many configurations: the one holding the source flow decides (flow ids are unique).
    private static (Configuration? Owner, RoutingResult Result) PolicyOver(List<Configuration> configurations, RecordEvent recordEvent)
    {
        foreach (var configuration in configurations)
        {
            var result = RoutingPolicy.Route(configuration, recordEvent);
            if (result.Outcome != RoutingOutcome.UnknownSource)
            {
                return (configuration, result);
            }
        }

        return (null, RoutingResult.For(recordEvent, RoutingOutcome.UnknownSource, null));
    }

    private sealed class Generator(int seed)
    {
        private readonly Random _random = new(seed);
        private int _flows;
        private int _apps;

        // Three kinds of ids, because the table packs ObjectId-like ids and keeps others as text: lower-case
        // 24-hex (packed), the same in upper case (text: case is kept), and free text.
        public FlowId NextFlowId()
        {
            var n = ++_flows;
            var hex = $"{seed:x8}{n:x16}";
            return FlowId.Parse((n % 3) switch
            {
                0 => hex,
                1 => hex.ToUpperInvariant(),
                _ => $"flow-{seed}-{n}",
            });
        }

        public Configuration Configuration()
        {
            var builder = new DispatchConfigurationBuilder().ForTenant($"tenant-{_random.Next(5)}");
            var count = _random.Next(2, 7);
            for (var i = 0; i < count; i++)
            {
                builder.With(App());
            }

            return builder.Build();
        }

        public App App()
        {
            var outbound = Distinct(_random.Next(0, 3), () => Connection.Outbound(
                ConnectionId.New(), SchemaUri.Parse(Schemas[_random.Next(Schemas.Length)]), "get", flowId: MaybeFlow()));
            var inbound = Distinct(_random.Next(0, 5), () => Connection.Inbound(
                ConnectionId.New(), SchemaUri.Parse(Schemas[_random.Next(Schemas.Length)]),
                Operations[_random.Next(Operations.Length)], "put", flowId: MaybeFlow()));
            return Dispatcher.Domain.Configurations.App.Create(
                AppId.New(), ApplicationUid.Parse($"app-{++_apps}"), "App",
                AppSide.Create(Direction.Outbound, _random.NextDouble() < 0.85, outbound),
                AppSide.Create(Direction.Inbound, _random.NextDouble() < 0.85, inbound));
        }

        private FlowId? MaybeFlow() => _random.NextDouble() < 0.9 ? NextFlowId() : null;

        private static List<Connection> Distinct(int count, Func<Connection> make)
        {
            var list = new List<Connection>();
            for (var i = 0; i < count; i++)
            {
                var candidate = make();
                if (list.TrueForAll(c => !c.HasSameDefinitionAs(candidate)))
                {
                    list.Add(candidate);
                }
            }

            return list;
        }
    }
}
