using System.Diagnostics.Metrics;

namespace Dispatcher.Application.Common.Telemetry;

/// <summary>The service's metrics, on the meter <see cref="MeterName"/> (exported by the host's telemetry setup).</summary>
public sealed class DispatcherMetrics : IDisposable
{
    public const string MeterName = "Dispatcher";

    private readonly Meter _meter;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (a private meter when null, e.g. in unit tests).</summary>
    public DispatcherMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        FlowsRecreated = _meter.CreateCounter<long>("dispatcher.reconciler.flows_recreated", description: "Flows the reconciler re-created because they had vanished or were never provisioned.");
        OrphansQueued = _meter.CreateCounter<long>("dispatcher.reconciler.orphans_queued", description: "Flows created for a connection that does not own them (a write that never committed), queued for removal.");
        FlowWorkCompleted = _meter.CreateCounter<long>("dispatcher.flow_work.completed", description: "Pieces of flow work (start, stop, remove, declare destination) finished, by kind.");
        FlowWorkFailed = _meter.CreateCounter<long>("dispatcher.flow_work.failed", description: "Failed attempts at flow work (retried with backoff), by kind.");
        ProvisioningFailures = _meter.CreateCounter<long>("dispatcher.provisioning.failures", description: "Configuration changes refused because a flow could not be created.");
        EventsReceived = _meter.CreateCounter<long>("dispatcher.events.received", description: "Record events received, by event name.");
        EventsRouted = _meter.CreateCounter<long>("dispatcher.events.routed", description: "Record events sent to at least one target.");
        EventsUnrouted = _meter.CreateCounter<long>("dispatcher.events.unrouted", description: "Well-formed record events that matched no target, by reason.");
        EventsFailed = _meter.CreateCounter<long>("dispatcher.events.failed", description: "Record events moved to the error queue, by reason.");
        DispatchesPublished = _meter.CreateCounter<long>("dispatcher.dispatches.published", description: "Tailored copies confirmed by the broker.");
        DispatchesFailed = _meter.CreateCounter<long>("dispatcher.dispatches.failed", description: "Tailored copies whose publish failed (the event is retried), by exception type.");
        AnnouncementsPublished = _meter.CreateCounter<long>("dispatcher.dispatches.announced", description: "Delivered copies also announced as RecordDispatched contracts (Messaging:PublishContracts), confirmed by the broker.");
        AnnouncementsFailed = _meter.CreateCounter<long>("dispatcher.dispatches.announcements_failed", description: "RecordDispatched announcements whose publish failed (the event is retried; the copy itself is not delivered again), by exception type.");
        RoutingDuration = _meter.CreateHistogram<double>("dispatcher.routing.duration", unit: "ms", description: "Time to route one event (lookup only).");
    }

    // What each instrument measures is its description above, which the exporters show too.
    public Counter<long> EventsReceived { get; }

    public Counter<long> EventsRouted { get; }

    public Counter<long> EventsUnrouted { get; }

    public Counter<long> EventsFailed { get; }

    public Counter<long> DispatchesPublished { get; }

    public Counter<long> DispatchesFailed { get; }

    public Counter<long> AnnouncementsPublished { get; }

    public Counter<long> AnnouncementsFailed { get; }

    public Histogram<double> RoutingDuration { get; }

    public Counter<long> FlowsRecreated { get; }

    public Counter<long> OrphansQueued { get; }

    public Counter<long> FlowWorkCompleted { get; }

    public Counter<long> FlowWorkFailed { get; }

    public Counter<long> ProvisioningFailures { get; }

    public void Dispose() => _meter.Dispose();
}
