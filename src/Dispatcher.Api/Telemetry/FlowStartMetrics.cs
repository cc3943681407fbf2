using System.Diagnostics.Metrics;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Dispatching;

namespace Dispatcher.Api.Telemetry;

/// <summary>
/// Publishes <see cref="FlowActivation.Starts"/> (target flows started by event processing) as the observable counter
/// <c>dispatcher.flows.started</c> on the <see cref="DispatcherMetrics.MeterName"/> meter. A hosted service only so the
/// instrument exists from start-up.
/// </summary>
internal sealed class FlowStartMetrics : IHostedService
{
    public FlowStartMetrics(FlowActivation activation, IMeterFactory meterFactory)
    {
        // The factory owns (and disposes) the meter; it is the one DispatcherMetrics uses too.
        meterFactory.Create(DispatcherMetrics.MeterName).CreateObservableCounter(
            "dispatcher.flows.started",
            () => activation.Starts,
            unit: "{flow}",
            description: "Target flows started because an event was dispatched to them while they were inactive.");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
