using System.Diagnostics.Metrics;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Infrastructure.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Dispatcher.Infrastructure.Health;

/// <summary>
/// Reads how many failed events wait in the error queue (<c>Messaging:Queue</c> + <c>_error</c>) every
/// <see cref="HealthOptions.ErrorQueueProbeInterval"/> and publishes it as the gauge
/// <c>dispatcher.error_queue.depth</c> on the <see cref="DispatcherMetrics.MeterName"/> meter. Uses its own small
/// connection (a passive queue declare per round); reports nothing while the broker cannot be asked. Never logs the
/// broker URL: it may carry credentials.
/// </summary>
internal sealed partial class ErrorQueueDepthProbe : BackgroundService
{
    public const string InstrumentName = "dispatcher.error_queue.depth";

    private readonly MessagingOptions _messaging;
    private readonly HealthOptions _health;
    private readonly ILogger<ErrorQueueDepthProbe> _logger;
    private IConnection? _connection;
    private long _depth = -1;

    public ErrorQueueDepthProbe(
        IOptions<MessagingOptions> messaging, IOptions<HealthOptions> health, IMeterFactory meterFactory, ILogger<ErrorQueueDepthProbe> logger)
    {
        _messaging = messaging.Value;
        _health = health.Value;
        _logger = logger;
        // The factory owns (and disposes) the meter.
        meterFactory.Create(DispatcherMetrics.MeterName).CreateObservableGauge(
            InstrumentName,
            Observe,
            unit: "{message}",
            description: "Failed events waiting in the error queue (read from the broker periodically).");
    }

    /// <summary>The last depth read, or null when it is not known (broker unreachable, not read yet).</summary>
    public long? Depth => Interlocked.Read(ref _depth) is var depth and >= 0 ? depth : null;

    /// <summary>Reads the depth once (also used by tests).</summary>
    public async Task<long?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            _connection ??= await new ConnectionFactory
            {
                Uri = new Uri(_messaging.RabbitMqUrl!),
                ClientProvidedName = "dispatcher-error-queue-probe",
                AutomaticRecoveryEnabled = true,
            }.CreateConnectionAsync(cancellationToken);
            await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
            var declared = await channel.QueueDeclarePassiveAsync(_messaging.ErrorQueue, cancellationToken);
            Interlocked.Exchange(ref _depth, declared.MessageCount);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            // No error queue yet: nothing ever failed.
            Interlocked.Exchange(ref _depth, 0);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _depth, -1);
            LogProbeFailed(e.GetType().Name);
            if (_connection is { IsOpen: false } broken)
            {
                _connection = null;
                await DisposeQuietlyAsync(broken);
            }
        }

        return Depth;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_connection is { } connection)
        {
            _connection = null;
            await DisposeQuietlyAsync(connection);
        }
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
        if (Depth is { } depth)
        {
            yield return new Measurement<long>(depth, new KeyValuePair<string, object?>("queue", _messaging.ErrorQueue));
        }
    }

    private static async Task DisposeQuietlyAsync(IConnection connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception)
        {
            // Closing a broken connection may fail; it is gone either way.
        }
    }

    [LoggerMessage(LogLevel.Debug, "Could not read the error queue depth from the broker ({Error}); retrying next round")]
    private partial void LogProbeFailed(string error);
}
