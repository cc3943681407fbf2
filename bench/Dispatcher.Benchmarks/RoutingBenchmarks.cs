using BenchmarkDotNet.Attributes;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Routing;
using Dispatcher.Infrastructure.Messaging.Dispatch;

namespace Dispatcher.Benchmarks;

/// <summary>
/// Routing one record event and tailoring its copies, on tables of 10 / 1,000 / 100,000 configurations, for events
/// that fan out to 1 / 3 / 10 targets. Each invocation handles <see cref="Events"/> different events (distinct source
/// flows spread over the table, so large tables are not measured on one cache-hot entry); times and allocations
/// are per event.
/// <list type="bullet">
/// <item><see cref="Lookup"/>: <see cref="RoutingTable.Route"/> only — must allocate nothing.</item>
/// <item><see cref="LookupSameSource"/>: the same, always for one event (cache-hot at every table size).</item>
/// <item><see cref="LookupAndDispatches"/>: plus each copy's tailoring decision (target, applicationUid, recordUid).</item>
/// <item><see cref="LookupAndTailoredMeta"/>: plus <see cref="Dispatch.TailoredMeta"/> for each copy (the domain API).</item>
/// <item><see cref="LookupAndWireBody"/>: plus the copies' wire bodies exactly as the RabbitMQ publisher writes them
/// (<see cref="DispatchBodyTemplate.WriteBodies"/>: shared parts once per event, one array per event), minus the
/// message id.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[JsonExporterAttribute.Brief]
public class RoutingBenchmarks
{
    /// <summary>Events per invocation (results are divided by it).</summary>
    public const int Events = 1024;

    internal static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private RoutingTable _table = null!;
    private RecordEvent[] _events = null!;

    /// <summary>Configurations in the table.</summary>
    [Params(10, 1_000, 100_000)]
    public int Configurations { get; set; }

    /// <summary>Targets of each event.</summary>
    [Params(1, 3, 10)]
    public int FanOut { get; set; }

    /// <summary>Builds the table and picks the events.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var (configurations, table) = DomainMix.Table(Configurations);
        Setup(configurations, table);
    }

    /// <summary>Uses an existing table of <see cref="Configurations"/> configurations (the CPU-time runner shares one per size).</summary>
    public void Setup(IReadOnlyList<Dispatcher.Domain.Configurations.Configuration> configurations, RoutingTable table)
    {
        _table = table;
        _events = DomainMix.EventBatch(_table, configurations, FanOut, Events);
    }

    /// <summary>Nothing to release any more (kept for the CPU-time runner).</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
    }

    /// <summary>Route only.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public int Lookup()
    {
        var total = 0;
        foreach (var recordEvent in _events)
        {
            total += _table.Route(recordEvent).Targets.Count;
        }

        return total;
    }

    /// <summary>
    /// Route only, every time the same event: the same working set (a few cache lines) at every table size, so
    /// the ratio to 10 configurations shows the algorithm's cost alone, without the cache misses that spreading
    /// events over a large table adds (<see cref="Lookup"/>).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int LookupSameSource()
    {
        var total = 0;
        var recordEvent = _events[0];
        for (var i = 0; i < Events; i++)
        {
            total += _table.Route(recordEvent).Targets.Count;
        }

        return total;
    }

    /// <summary>
    /// Route, then each copy's tailoring decision (<see cref="Dispatch"/>: the target, its <c>applicationUid</c> and
    /// its <c>recordUid</c> from the refs), without writing anything.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int LookupAndDispatches()
    {
        var total = 0;
        foreach (var recordEvent in _events)
        {
            foreach (var dispatch in _table.Route(recordEvent).Dispatches())
            {
                total += dispatch.RecordUid is null ? 1 : 2;
            }
        }

        return total;
    }

    /// <summary>Route, then each copy's tailored meta.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int LookupAndTailoredMeta()
    {
        var total = 0;
        foreach (var recordEvent in _events)
        {
            foreach (var dispatch in _table.Route(recordEvent).Dispatches())
            {
                total += dispatch.TailoredMeta().Fields.Count;
            }
        }

        return total;
    }

    /// <summary>
    /// Route, then every copy's wire body as the RabbitMQ publisher writes them: the event's shared parts serialized
    /// once (<see cref="DispatchBodyTemplate"/>), each copy spliced into one array per event (the publisher cannot
    /// reuse it: the client needs the bodies until the confirms arrive).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long LookupAndWireBody()
    {
        long total = 0;
        foreach (var recordEvent in _events)
        {
            var result = _table.Route(recordEvent);
            var targets = result.Targets;
            var dispatches = new OutgoingDispatch[targets.Count];
            for (var i = 0; i < dispatches.Length; i++)
            {
                dispatches[i] = new OutgoingDispatch(new Dispatch(result.Source, targets[i]), Guid.Empty, "correlation", 1);
            }

            foreach (var body in DispatchBodyTemplate.WriteBodies(dispatches, "dispatcher-service", Now))
            {
                total += body.Length;
            }
        }

        return total;
    }
}
