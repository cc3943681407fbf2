using BenchmarkDotNet.Attributes;
using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Routing;
using Dispatcher.Infrastructure.Messaging.Dispatch;
using RabbitMQ.Client;

namespace Dispatcher.Benchmarks;

/// <summary>
/// Everything the dispatch handler and the RabbitMQ publisher do per event on the CPU before the broker, as they do
/// it today: route, deterministic message id (SHA-256), <see cref="OutgoingDispatch"/>, routing key, AMQP properties
/// and the wire body in a new array. Table size hardly matters here (see <see cref="RoutingBenchmarks"/>), so one
/// size: 1,000 configurations.
/// </summary>
[MemoryDiagnoser]
[JsonExporterAttribute.Brief]
public class HotPathBenchmarks
{
    private const int Events = RoutingBenchmarks.Events;
    private RoutingTable _table = null!;
    private RecordEvent[] _events = null!;

    /// <summary>Configurations in the table.</summary>
    [Params(1_000)]
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
    }

    /// <summary>
    /// Route, message ids, outgoing dispatches, routing keys, AMQP properties and wire bodies exactly as
    /// <c>DispatchRecordEventHandler</c> and <c>RabbitMqDispatchPublisher</c> do today (a new body array per copy).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long HandlerHotPath()
    {
        long total = 0;
        foreach (var recordEvent in _events)
        {
            var result = _table.Route(recordEvent);
            var outgoing = result.Dispatches()
                .Select(d => new OutgoingDispatch(d, MessageIds.ForDispatch("0f8fad5bd9cb469fa16570867728950e", d.Target.FlowId), "correlation", 1))
                .ToList();
            foreach (var dispatch in outgoing)
            {
                var properties = new BasicProperties
                {
                    Persistent = true,
                    MessageId = dispatch.MessageId.ToString(),
                    CorrelationId = dispatch.CorrelationId,
                    Headers = new Dictionary<string, object?> { ["x-dispatcher-hops"] = dispatch.HopCount },
                };
                var body = DispatchMessageWriter.Write(dispatch, "dispatcher-service", RoutingBenchmarks.Now);
                total += dispatch.RoutingKey.Length + body.Length + (properties.MessageId?.Length ?? 0);
            }
        }

        return total;
    }
}
