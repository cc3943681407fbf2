using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Dispatcher.Application.Dispatching;
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
/// <item><see cref="LookupAndTailoredMeta"/>: plus <see cref="Dispatch.TailoredMeta"/> for each copy (the domain API).</item>
/// <item><see cref="LookupAndWireBody"/>: plus each copy's wire body by <see cref="DispatchMessageWriter"/> into a
/// reused buffer (what the RabbitMQ publisher does, minus the message id).</item>
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
    private ArrayBufferWriter<byte> _buffer = null!;
    private Utf8JsonWriter _writer = null!;

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
        var distinct = DomainMix.EventsWithFanOut(_table, configurations, FanOut, Events);
        _events = Enumerable.Range(0, Events).Select(i => distinct[i % distinct.Length]).ToArray();
        _buffer = new ArrayBufferWriter<byte>(4096);
        _writer = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Releases the writer.</summary>
    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

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

    /// <summary>Route, then each copy's wire body into a reused buffer.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long LookupAndWireBody()
    {
        long total = 0;
        foreach (var recordEvent in _events)
        {
            foreach (var dispatch in _table.Route(recordEvent).Dispatches())
            {
                total += WriteBody(new OutgoingDispatch(dispatch, Guid.Empty, "correlation", 1));
            }
        }

        return total;
    }

    private int WriteBody(OutgoingDispatch dispatch)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset();
        DispatchMessageWriter.Write(_writer, dispatch, "dispatcher-service", Now);
        _writer.Flush();
        return _buffer.WrittenCount;
    }
}
