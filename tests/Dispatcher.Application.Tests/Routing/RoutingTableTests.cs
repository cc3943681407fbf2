using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Testing;

namespace Dispatcher.Application.Tests.Routing;

/// <summary>What the routing table's compact storage and lock-free reads must keep true.</summary>
public sealed class RoutingTableTests
{
    private const string Person = ThreeAppExample.Person;

    [Test]
    public void Packed_and_text_flow_ids_of_the_same_digits_are_different_flows()
    {
        const string lower = "65a1b2c3d4e5f60718293a4b";
        var upper = lower.ToUpperInvariant();
        var configuration = new DispatchConfigurationBuilder()
            .With(new AppBuilder("a").Outbound(Person, lower))
            .With(new AppBuilder("b").Outbound(Person, upper))
            .With(new AppBuilder("c").Inbound(Person, Operation.Create, "000000000000000000000abc"))
            .With(new AppBuilder("d").Inbound(Person, Operation.Create, "target-as-text_1"))
            .Build();
        var table = RoutingTables.Of([configuration]);

        table.SourceCount.Should().Be(2);
        foreach (var source in new[] { lower, upper })
        {
            var result = table.Route(RecordEvents.From(source, Operation.Create));
            result.Outcome.Should().Be(RoutingOutcome.Routed);
            result.Targets.Select(t => t.FlowId.Value).Should().Equal("000000000000000000000abc", "target-as-text_1");
            result.Targets.Select(t => t.ApplicationUid.Value).Should().Equal("c", "d");
        }

        table.Route(RecordEvents.From("65A1B2C3D4E5F60718293A4c", Operation.Create)).Outcome.Should().Be(RoutingOutcome.UnknownSource);
    }

    [Test]
    public void A_source_that_has_routed_once_routes_again_without_allocating()
    {
        var table = RoutingTables.Of([ThreeAppExample.Build()]);
        var recordEvent = RecordEvents.From(ThreeAppExample.SnazzyOut, Operation.Create);
        var first = table.Route(recordEvent).Targets;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = table.Route(recordEvent);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        again.Targets.Should().BeSameAs(first, "the targets are cached per source and operation");
    }

    [Test]
    public void Sources_moved_to_another_configuration_stay_with_it_when_the_first_is_removed()
    {
        var first = new DispatchConfigurationBuilder()
            .With(new AppBuilder("a").Outbound(Person, "shared-source"))
            .With(new AppBuilder("b").Inbound(Person, Operation.Create, "first-target"))
            .Build();
        var second = new DispatchConfigurationBuilder()
            .With(new AppBuilder("c").Outbound(Person, "shared-source"))
            .With(new AppBuilder("d").Inbound(Person, Operation.Create, "second-target"))
            .Build();
        var table = RoutingTables.Of([first, second]);

        table.Remove(first.Id);

        table.Route(RecordEvents.From("shared-source", Operation.Create)).Targets.Select(t => t.FlowId.Value).Should().Equal("second-target");
        table.SourceCount.Should().Be(1);
    }

    [Test]
    public void Readers_never_see_a_stable_source_missing_or_a_mixed_state_while_a_writer_keeps_changing_the_table()
    {
        // 400 configurations whose first app's source flow never changes; the writer flips their inbound apps
        // between two target sets, adds and removes churn configurations (which grows, rehashes and tombstones
        // the index) while readers route the stable sources. The amount of work is fixed, not the time: each reader
        // routes every stable source `passes` times, at most `passesPerRound` passes ahead of the writer, and the
        // writer keeps going until every reader is done, so all reads fall among writes (spread over at least
        // passes / passesPerRound rounds) however the threads are scheduled.
        const int count = 400;
        const int readers = 2;
        const int passes = 1_000;
        const int passesPerRound = 25;
        var stable = Enumerable.Range(0, count).Select(i => Configuration(i, targetSet: 0)).ToList();
        var table = RoutingTables.Of(stable);
        var events = Enumerable.Range(0, count).Select(i => RecordEvents.From(Hex(i, 1), Operation.Create)).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var progress = new object();
        var rounds = 0;
        var readersDone = 0;
        var writerDone = false;
        var reads = new long[readers];

        var readerTasks = Enumerable.Range(0, readers).Select(r => Task.Factory.StartNew(() =>
        {
            try
            {
                for (var pass = 1; pass <= passes; pass++)
                {
                    lock (progress)
                    {
                        while (rounds * passesPerRound < pass && !writerDone)
                        {
                            Monitor.Wait(progress);
                        }
                    }

                    for (var i = 0; i < count; i++)
                    {
                        var result = table.Route(events[i]);
                        var flows = string.Join(",", result.Targets.Select(t => t.FlowId.Value));
                        if (result.Outcome != RoutingOutcome.Routed || (flows != Targets(i, 0) && flows != Targets(i, 1)))
                        {
                            failures.Enqueue($"{i}: {result.Outcome} [{flows}]");
                        }

                        reads[r]++;
                    }
                }
            }
            finally
            {
                Interlocked.Increment(ref readersDone);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        var round = 0;
        try
        {
            while (Volatile.Read(ref readersDone) < readers)
            {
                for (var i = 0; i < count; i++)
                {
                    table.Upsert(Configuration(i, targetSet: (round + 1) % 2, id: stable[i].Id, version: round + 1));
                }

                var churn = Enumerable.Range(0, 200).Select(j => Configuration(10_000 + (round * 200) + j, targetSet: 0)).ToList();
                churn.ForEach(table.Upsert);
                churn.ForEach(c => table.Remove(c.Id));
                round++;
                lock (progress)
                {
                    rounds = round;
                    Monitor.PulseAll(progress);
                }
            }
        }
        finally
        {
            lock (progress)
            {
                writerDone = true;
                Monitor.PulseAll(progress);
            }
        }

        Task.WaitAll(readerTasks);

        failures.Should().BeEmpty();
        reads.Should().OnlyContain(n => n == count * passes, "every reader did all its passes");
        round.Should().BeGreaterThanOrEqualTo(passes / passesPerRound, "the readers kept pace with the writer");
        table.ConfigurationCount.Should().Be(count);
        var lastSet = round % 2;
        table.SourceCount.Should().Be(lastSet == 1 ? count * 2 : count, "set 1 has two sources per configuration, set 0 one");
    }

    private static string Hex(int configuration, int flow) => $"{configuration:x16}{flow:x8}";

    private static string Targets(int configuration, int set) =>
        set == 0 ? $"{Hex(configuration, 10)},{Hex(configuration, 11)}" : Hex(configuration, 20);

    private static Configuration Configuration(int n, int targetSet, ConfigurationId? id = null, long version = 0)
    {
        // In set 1 another source comes first, so the stable source's slot is rewritten with a new ordinal.
        var builder = new DispatchConfigurationBuilder();
        if (targetSet == 1)
        {
            builder = builder.With(new AppBuilder($"other-{n}").Outbound(Person, Hex(n, 2)));
        }

        builder = builder.With(new AppBuilder($"source-{n}").Outbound(Person, Hex(n, 1)));
        builder = targetSet == 0
            ? builder.With(new AppBuilder($"x-{n}").Inbound(Person, Operation.Create, Hex(n, 10)))
                .With(new AppBuilder($"y-{n}").Inbound(Person, Operation.Create, Hex(n, 11)))
            : builder.With(new AppBuilder($"z-{n}").Inbound(Person, Operation.Create, Hex(n, 20)));
        var built = builder.Build();
        return id is null ? built : Dispatcher.Domain.Configurations.Configuration.Rehydrate(
            id.Value, built.Tenant, built.Name, built.DataModel, built.Apps, built.CreatedAt, built.UpdatedAt, version);
    }
}
