using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Infrastructure.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Health;

/// <summary>
/// Reads how many failed messages wait in each error queue — the event bus's (<c>Messaging:Queue</c> + <c>_error</c>)
/// and the <c>RecordChanged</c> contract's (<c>Messaging:Queue</c> + <c>-record-changed_error</c>) — every
/// <see cref="HealthOptions.ErrorQueueProbeInterval"/> and publishes them as the gauge
/// <c>dispatcher.error_queue.depth</c> (tag <c>queue</c>: the error queue's name) on the
/// <see cref="DispatcherMetrics.MeterName"/> meter. Uses its own small connection (a passive queue declare per queue and
/// round); reports nothing while the broker cannot be asked. Never logs the broker URL: it may carry credentials.
/// </summary>
internal sealed partial class ErrorQueueDepthProbe : BackgroundService
{
    public const string InstrumentName = "dispatcher.error_queue.depth";

    private readonly MessagingOptions _messaging;
    private readonly HealthOptions _health;
    private readonly ILogger<ErrorQueueDepthProbe> _logger;
    private readonly BrokerQueueInspector _inspector;
    private readonly ConcurrentDictionary<string, long> _depths = new();

    public ErrorQueueDepthProbe(
        IOptions<MessagingOptions> messaging, IOptions<HealthOptions> health, IMeterFactory meterFactory, ILogger<ErrorQueueDepthProbe> logger)
    {
        _messaging = messaging.Value;
        _health = health.Value;
        _logger = logger;
        _inspector = new BrokerQueueInspector(_messaging, "error-queue-probe");
        // The factory owns (and disposes) the meter.
        meterFactory.Create(DispatcherMetrics.MeterName).CreateObservableGauge(
            InstrumentName,
            Observe,
            unit: "{message}",
            description: "Failed messages waiting in an error queue (read from the broker periodically).");
    }

    /// <summary>The error queues read, in order: the event bus's, then the contract's.</summary>
    private string[] Queues => [_messaging.ErrorQueue, _messaging.RecordChangedErrorQueue];

    /// <summary>The last depth read of the event bus's error queue, or null when it is not known (broker unreachable, not read yet).</summary>
    public long? Depth => DepthOf(_messaging.ErrorQueue);

    /// <summary>The last depth read of <paramref name="errorQueue"/>, or null when it is not known.</summary>
    public long? DepthOf(string errorQueue) => _depths.TryGetValue(errorQueue, out var depth) && depth >= 0 ? depth : null;

    /// <summary>Reads the depths once (also used by tests); answers the event bus's error queue's.</summary>
    public async Task<long?> ProbeAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in Queues)
        {
            await ProbeAsync(queue, cancellationToken);
        }

        return Depth;
    }

    private async Task ProbeAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            // No error queue yet: nothing ever failed there.
            _depths[queue] = await _inspector.InspectAsync(queue, cancellationToken) is { } declared ? declared.MessageCount : 0;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _depths[queue] = -1;
            LogProbeFailed(queue, e.GetType().Name);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _inspector.DisposeAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = _health.ErrorQueueProbeInterval;
        if (interval <= TimeSpan.Zero || !_messaging.UsesRabbitMq)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        do
        {
            await ProbeAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach (var queue in Queues)
        {
            if (DepthOf(queue) is { } depth)
            {
                yield return new Measurement<long>(depth, new KeyValuePair<string, object?>("queue", queue));
            }
        }
    }

    [LoggerMessage(LogLevel.Debug, "Could not read the depth of error queue {Queue} from the broker ({Error}); retrying next round")]
    private partial void LogProbeFailed(string queue, string error);
}
