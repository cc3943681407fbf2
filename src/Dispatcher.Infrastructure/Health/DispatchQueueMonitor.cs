using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dispatcher.Application.Common.Health;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Messaging;
using Dispatcher.Infrastructure.Messaging.Dispatch;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Health;

/// <summary>
/// Finds per-flow dispatch queues (<c>Messaging:Destination=QueuePerFlow</c>) that nobody reads: no consumer and a
/// depth that grew since the previous round (and has not shrunk since). Such queues pile up until the broker's disk
/// alarm blocks every publisher of the platform — typical when the SDF adapter reads the shared <c>sdf-adapter</c> queue
/// instead. Every <see cref="HealthOptions.DispatchQueueProbeInterval"/> it reads each queue this instance dispatched to
/// (a passive declare on its own small connection) and reports the unread ones: the gauge
/// <c>dispatcher.dispatch_queue.unconsumed</c> (depth, per flow), one warning log per flow, and a
/// <see cref="HealthStatus.Degraded"/> readiness entry (<see cref="HealthChecks.DispatchQueues"/>), which does not fail
/// readiness.
/// </summary>
internal sealed partial class DispatchQueueMonitor : BackgroundService, IHealthCheck
{
    public const string InstrumentName = "dispatcher.dispatch_queue.unconsumed";

    private readonly MessagingOptions _messaging;
    private readonly HealthOptions _health;
    private readonly RabbitMqDispatchPublisher _publisher;
    private readonly ILogger<DispatchQueueMonitor> _logger;
    private readonly ConcurrentDictionary<FlowId, QueueState> _states = new();
    private readonly ConcurrentDictionary<FlowId, bool> _warned = new();
    private readonly BrokerQueueInspector _inspector;

    public DispatchQueueMonitor(
        IOptions<MessagingOptions> messaging,
        IOptions<HealthOptions> health,
        RabbitMqDispatchPublisher publisher,
        IMeterFactory meterFactory,
        ILogger<DispatchQueueMonitor> logger)
    {
        _messaging = messaging.Value;
        _health = health.Value;
        _publisher = publisher;
        _logger = logger;
        _inspector = new BrokerQueueInspector(_messaging, "dispatch-queue-probe");
        meterFactory.Create(DispatcherMetrics.MeterName).CreateObservableGauge(
            InstrumentName,
            Observe,
            unit: "{message}",
            description: "Dispatches waiting in a per-flow queue that has no consumer and keeps growing (alert when above 0).");
    }

    /// <summary>True when the monitor has work: a broker and a queue per flow.</summary>
    public bool Active => _messaging.UsesRabbitMq && _messaging.Destination == DispatchDestinationMode.QueuePerFlow
        && _health.DispatchQueueProbeInterval > TimeSpan.Zero;

    /// <summary>The per-flow queues now reported as unread, with their depth.</summary>
    public IReadOnlyDictionary<FlowId, uint> Unconsumed =>
        _states.Where(s => s.Value.Unconsumed).ToDictionary(s => s.Key, s => s.Value.Depth);

    /// <summary>Reads every known per-flow queue once (also used by tests).</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        foreach (var flow in _publisher.EnsuredFlows)
        {
            var queue = IDispatchDestinations.RoutingKey(flow);
            try
            {
                if (await _inspector.InspectAsync(queue, cancellationToken) is { } declared)
                {
                    Update(flow, queue, declared.MessageCount, declared.ConsumerCount);
                }
                else
                {
                    // The queue was removed with its flow.
                    _states.TryRemove(flow, out _);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogProbeFailed(e.GetType().Name);
                return;
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!Active)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Not watched: dispatches go to the shared queue, or the probe is off."));
        }

        var unconsumed = Unconsumed;
        if (unconsumed.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Every per-flow dispatch queue is read or not growing."));
        }

        var listed = unconsumed.OrderByDescending(u => u.Value).Take(10)
            .Select(u => $"{IDispatchDestinations.RoutingKey(u.Key)} ({u.Value} messages)");
        var data = unconsumed.ToDictionary(u => IDispatchDestinations.RoutingKey(u.Key), u => (object)u.Value);
        return Task.FromResult(HealthCheckResult.Degraded(
            $"{unconsumed.Count} per-flow dispatch queue(s) have no consumer and keep growing: {string.Join(", ", listed)}. " +
            "If the SDF adapter reads the shared queue, set Messaging:Destination=SharedQueue (see docs/operations.md).",
            data: data));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _inspector.DisposeAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Active)
        {
            return;
        }

        using var timer = new PeriodicTimer(_health.DispatchQueueProbeInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await ProbeAsync(stoppingToken);
        }
    }

    private void Update(FlowId flow, string queue, uint depth, uint consumers)
    {
        var previous = _states.TryGetValue(flow, out var state) ? state : null;
        // Unread: nobody consumes it, and it grew since the last round, or was already unread and did not shrink.
        var unconsumed = consumers == 0 && depth > 0 && previous is not null
            && (depth > previous.Depth || (previous.Unconsumed && depth >= previous.Depth));
        _states[flow] = new QueueState(depth, unconsumed);
        if (unconsumed && _warned.TryAdd(flow, true))
        {
            LogUnconsumed(queue, flow.Value, depth);
        }
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (flow, state) in _states)
        {
            if (state.Unconsumed)
            {
                yield return new Measurement<long>(
                    state.Depth,
                    new KeyValuePair<string, object?>("flow", flow.Value),
                    new KeyValuePair<string, object?>("queue", IDispatchDestinations.RoutingKey(flow)));
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Dispatch queue {Queue} of flow {FlowId} has no consumer and keeps growing ({Depth} messages): nothing reads it. " +
        "If the SDF adapter consumes the shared queue, set Messaging:Destination=SharedQueue; otherwise start the flow's consumer. Reported once per flow.")]
    private partial void LogUnconsumed(string queue, string flowId, uint depth);

    [LoggerMessage(LogLevel.Debug, "Could not read the dispatch queues from the broker ({Error}); retrying next round")]
    private partial void LogProbeFailed(string error);

    private sealed record QueueState(uint Depth, bool Unconsumed);
}
