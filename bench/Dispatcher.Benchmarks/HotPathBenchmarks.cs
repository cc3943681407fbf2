using BenchmarkDotNet.Attributes;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Routing;
using Dispatcher.Infrastructure.Messaging.Dispatch;
using RabbitMQ.Client;

namespace Dispatcher.Benchmarks;

/// <summary>
/// Everything the dispatch handler and the RabbitMQ publisher do per event on the CPU before the broker: route,
/// deterministic message id (SHA-256), <see cref="OutgoingDispatch"/> with its routing key, the bodies of all copies
/// from one per-event template, and AMQP properties. Table size hardly matters here (see <see cref="RoutingBenchmarks"/>), so one
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
        _events = DomainMix.EventBatch(_table, configurations, FanOut, Events);
    }

    /// <summary>
    /// Route, message ids, outgoing dispatches (a pre-sized array, as <c>DispatchRecordEventHandler</c> builds them),
    /// then what <c>RabbitMqDispatchPublisher</c> does before the broker: the bodies of all copies
    /// (<see cref="DispatchBodyTemplate.WriteBodies"/>: shared parts once per event, one array per event) and each
    /// copy's AMQP properties.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long HandlerHotPath()
    {
        long total = 0;
        foreach (var recordEvent in _events)
        {
            var result = _table.Route(recordEvent);
            var targets = result.Targets;
            var outgoing = new OutgoingDispatch[targets.Count];
            for (var i = 0; i < outgoing.Length; i++)
            {
                var dispatch = new Dispatch(result.Source, targets[i]);
                outgoing[i] = new OutgoingDispatch(
                    dispatch, MessageIds.ForDispatch("0f8fad5bd9cb469fa16570867728950e", dispatch.Target.FlowId), "correlation", 1);
            }

            var bodies = DispatchBodyTemplate.WriteBodies(outgoing, "dispatcher-service", RoutingBenchmarks.Now);
            for (var i = 0; i < outgoing.Length; i++)
            {
                var dispatch = outgoing[i];
                var properties = new BasicProperties
                {
                    Persistent = true,
                    MessageId = dispatch.MessageId.ToString(),
                    CorrelationId = dispatch.CorrelationId,
                    Headers = new Dictionary<string, object?> { ["x-dispatcher-hops"] = dispatch.HopCount },
                };
                total += dispatch.RoutingKey.Length + bodies[i].Length + (properties.MessageId?.Length ?? 0);
            }
        }

        return total;
    }
}
