using System.Collections.Concurrent;
using System.Diagnostics;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Routing;
using Mediator;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Dispatching.DispatchRecordEvent;

/// <summary>
/// Handles <see cref="DispatchRecordEvent"/>: routes the event, makes sure the targets run and their destinations exist,
/// publishes every copy and, when announcing, announces each delivered copy once (its <see cref="DispatchLedger"/>
/// remembers how far each copy got, so a retry repeats only what failed).
/// </summary>
public sealed class DispatchRecordEventHandler(
    IRoutingEngine routing,
    FlowActivation activation,
    IDispatchDestinations destinations,
    IDispatchNotifier notifier,
    DispatchRecordEventHandler.DispatchLedger ledger,
    IOptions<DispatchOptions> options,
    DispatcherMetrics metrics) : ICommandHandler<DispatchRecordEvent, DispatchResult>
{
    public async ValueTask<DispatchResult> Handle(DispatchRecordEvent command, CancellationToken cancellationToken)
    {
        if (command.HopCount >= options.Value.MaxHops)
        {
            throw new HopLimitExceededException(
                $"The event has made {command.HopCount} dispatcher hops; the limit is {options.Value.MaxHops} (Dispatch:MaxHops). Likely an echo loop.");
        }

        using var activity = StartRouteActivity(command);
        var started = Stopwatch.GetTimestamp();
        var result = routing.Route(command.Event);
        metrics.RoutingDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        RecordRouting(activity, result);
        if (result.Outcome != RoutingOutcome.Routed)
        {
            metrics.EventsUnrouted.Add(1, new KeyValuePair<string, object?>("reason", result.Outcome.ToString()));
            return new DispatchResult(result.Outcome, 0);
        }

        var targets = result.Targets;
        await activation.EnsureRunningAsync(targets.Select(t => t.FlowId), cancellationToken);
        for (var i = 0; i < targets.Count; i++)
        {
            await destinations.EnsureAsync(targets[i].FlowId, cancellationToken);
        }

        var dispatches = new OutgoingDispatch[targets.Count];
        for (var i = 0; i < dispatches.Length; i++)
        {
            var dispatch = new Dispatch(result.Source, targets[i]);
            dispatches[i] = new OutgoingDispatch(
                dispatch, MessageIds.ForDispatch(command.EventIdentity, dispatch.Target.FlowId), command.CorrelationId, command.HopCount + 1);
        }

        if (!notifier.Enabled)
        {
            await DeliverAsync(dispatches, cancellationToken);
            metrics.EventsRouted.Add(1);
            return new DispatchResult(RoutingOutcome.Routed, dispatches.Length);
        }

        // Announcing: deliver first, announce each copy after (never a RecordDispatched for a copy not delivered), and
        // on a retry skip what this instance already did for these ids (no second delivery of a copy because its
        // announcement failed, no second announcement of a copy already announced).
        OutgoingDispatch[] undelivered = [.. dispatches.Where(d => !ledger.Has(d.MessageId, DispatchStage.Delivered))];
        if (undelivered.Length > 0)
        {
            await DeliverAsync(undelivered, cancellationToken);
            foreach (var dispatch in undelivered)
            {
                ledger.Record(dispatch.MessageId, DispatchStage.Delivered);
            }
        }

        await AnnounceAsync([.. dispatches.Where(d => !ledger.Has(d.MessageId, DispatchStage.Announced))], cancellationToken);
        metrics.EventsRouted.Add(1);
        return new DispatchResult(RoutingOutcome.Routed, dispatches.Length);
    }

    private async Task DeliverAsync(OutgoingDispatch[] dispatches, CancellationToken cancellationToken)
    {
        try
        {
            await destinations.PublishAsync(dispatches, cancellationToken);
        }
        catch (Exception e)
        {
            metrics.DispatchesFailed.Add(dispatches.Length, new KeyValuePair<string, object?>("reason", e.GetType().Name));
            throw;
        }

        metrics.DispatchesPublished.Add(dispatches.Length);
    }

    /// <summary>Announces the copies concurrently; remembers each confirmed one; then throws the first failure, if any.</summary>
    private async Task AnnounceAsync(OutgoingDispatch[] dispatches, CancellationToken cancellationToken)
    {
        if (dispatches.Length == 0)
        {
            return;
        }

        var announcements = new Task[dispatches.Length];
        for (var i = 0; i < dispatches.Length; i++)
        {
            announcements[i] = AnnounceOneAsync(dispatches[i], cancellationToken);
        }

        try
        {
            await Task.WhenAll(announcements);
        }
        catch (Exception)
        {
            // Throw the first failure in target order (Task.WhenAll's is the first to fail in time, which varies).
            var failure = announcements.First(a => a.IsFaulted || a.IsCanceled);
            await failure;
            throw;
        }
    }

    private async Task AnnounceOneAsync(OutgoingDispatch dispatch, CancellationToken cancellationToken)
    {
        try
        {
            await notifier.NotifyAsync(dispatch, cancellationToken);
        }
        catch (Exception e)
        {
            metrics.AnnouncementsFailed.Add(1, new KeyValuePair<string, object?>("reason", e.GetType().Name));
            throw;
        }

        ledger.Record(dispatch.MessageId, DispatchStage.Announced);
        metrics.AnnouncementsPublished.Add(1);
    }

    private static Activity? StartRouteActivity(DispatchRecordEvent command)
    {
        var activity = DispatcherActivities.Source.StartActivity(DispatcherActivities.RouteActivity);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(DispatcherActivities.SourceFlowTag, command.Event.SourceFlowId.Value);
            activity.SetTag(DispatcherActivities.OperationTag, command.Event.Operation.ToString().ToUpperInvariant());
            activity.SetTag(DispatcherActivities.CorrelationTag, command.CorrelationId);
            activity.SetTag(DispatcherActivities.HopTag, command.HopCount);
        }

        return activity;
    }

    // One span per event; each target is an event on it, so a trace shows every copy the event produced.
    private static void RecordRouting(Activity? activity, RoutingResult result)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag(DispatcherActivities.OutcomeTag, result.Outcome.ToString());
        activity.SetTag(DispatcherActivities.TargetCountTag, result.Targets.Count);
        if (result.Targets.Count == 0)
        {
            return;
        }

        activity.SetTag(DispatcherActivities.ConfigurationTag, result.Targets[0].ConfigurationId.Value);
        activity.SetTag(DispatcherActivities.TargetFlowsTag, result.Targets.Select(t => t.FlowId.Value).ToArray());
        foreach (var target in result.Targets)
        {
            activity.AddEvent(new ActivityEvent(DispatcherActivities.TargetEvent, tags: new ActivityTagsCollection
            {
                [DispatcherActivities.TargetFlowTag] = target.FlowId.Value,
                [DispatcherActivities.TargetAppTag] = target.ApplicationUid.Value,
                [DispatcherActivities.TargetRoutingKeyTag] = IDispatchDestinations.RoutingKey(target.FlowId),
                [DispatcherActivities.ConfigurationTag] = target.ConfigurationId.Value,
            }));
        }
    }

    /// <summary>
    /// This instance's short memory of which copies already got how far, so that an event retried because a later step
    /// failed (an announcement not confirmed) does not repeat the steps that succeeded: the copy is not delivered twice,
    /// an announcement not published twice. Keyed by the copy's deterministic message id. Bounded: an entry is kept for
    /// <see cref="Retention"/> and at most <see cref="Capacity"/> entries (oldest first out). Process-local: after a restart,
    /// or when another instance handles the redelivery, steps are repeated with the same message ids (at-least-once).
    /// Used only while an <see cref="IDispatchNotifier"/> is enabled; thread-safe.
    /// </summary>
    public sealed class DispatchLedger(TimeProvider timeProvider)
    {
        /// <summary>How long a step is remembered (covers the retry policy and a prompt redrive).</summary>
        public static readonly TimeSpan Retention = TimeSpan.FromMinutes(15);

        /// <summary>At most this many steps are remembered.</summary>
        public const int Capacity = 200_000;

        private readonly ConcurrentDictionary<(Guid, DispatchStage), DateTimeOffset> _done = new();
        private readonly ConcurrentQueue<((Guid, DispatchStage) Key, DateTimeOffset At)> _order = new();

        /// <summary>Entries held now (tests, diagnostics).</summary>
        public int Count => _done.Count;

        /// <summary>True when <paramref name="messageId"/> reached <paramref name="stage"/> within <see cref="Retention"/>.</summary>
        public bool Has(Guid messageId, DispatchStage stage) =>
            _done.TryGetValue((messageId, stage), out var at) && timeProvider.GetUtcNow() - at < Retention;

        /// <summary>Remembers that <paramref name="messageId"/> reached <paramref name="stage"/>.</summary>
        public void Record(Guid messageId, DispatchStage stage)
        {
            var now = timeProvider.GetUtcNow();
            var key = (messageId, stage);
            _done[key] = now;
            _order.Enqueue((key, now));
            Trim(now);
        }

        private void Trim(DateTimeOffset now)
        {
            while (_order.TryPeek(out var oldest) && (_order.Count > Capacity || now - oldest.At >= Retention))
            {
                if (!_order.TryDequeue(out oldest))
                {
                    break;
                }

                // Only when not recorded again since (a later Record re-enqueued it with a newer time).
                _done.TryRemove(new KeyValuePair<(Guid, DispatchStage), DateTimeOffset>(oldest.Key, oldest.At));
            }
        }
    }

    /// <summary>How far one copy (by its deterministic message id) has got.</summary>
    public enum DispatchStage
    {
        /// <summary>The copy was confirmed on its target flow's destination (<c>dispatch.&lt;flowId&gt;</c>).</summary>
        Delivered = 1,

        /// <summary>The copy was also announced (the <c>RecordDispatched</c> contract was confirmed).</summary>
        Announced = 2,
    }
}
