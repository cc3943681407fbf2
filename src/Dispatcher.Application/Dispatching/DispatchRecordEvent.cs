using System.Diagnostics;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Domain.Routing;
using Mediator;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Dispatching;

/// <summary>
/// Routes one record event and sends each target its tailored copy. Both wire formats (the platform's event bus and
/// the MassTransit contracts) end here. Completes only when every dispatch is confirmed by the broker.
/// </summary>
/// <param name="Event">The event.</param>
/// <param name="EventIdentity">A stable identity of the incoming message (its id, else a hash of its body).</param>
/// <param name="CorrelationId">Carried to every dispatch.</param>
/// <param name="HopCount">Dispatcher hops the event has made so far (0 for a fresh event).</param>
public sealed record DispatchRecordEvent(RecordEvent Event, string EventIdentity, string CorrelationId, int HopCount)
    : ICommand<DispatchResult>;

/// <summary>What happened to an event.</summary>
/// <param name="Outcome">The routing outcome.</param>
/// <param name="Dispatched">How many copies were sent.</param>
public sealed record DispatchResult(RoutingOutcome Outcome, int Dispatched);

/// <summary>Handles <see cref="DispatchRecordEvent"/>.</summary>
public sealed class DispatchRecordEventHandler(
    RoutingTable routingTable,
    FlowActivation activation,
    IDispatchDestinations destinations,
    IDispatchPublisher publisher,
    IOptions<DispatchOptions> options,
    DispatcherMetrics metrics) : ICommandHandler<DispatchRecordEvent, DispatchResult>
{
    /// <inheritdoc />
    public async ValueTask<DispatchResult> Handle(DispatchRecordEvent command, CancellationToken cancellationToken)
    {
        if (command.HopCount >= options.Value.MaxHops)
        {
            throw new HopLimitExceededException(
                $"The event has made {command.HopCount} dispatcher hops; the limit is {options.Value.MaxHops} (Dispatch:MaxHops). Likely an echo loop.");
        }

        using var activity = StartRouteActivity(command);
        var started = Stopwatch.GetTimestamp();
        var result = routingTable.Route(command.Event);
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

        try
        {
            await publisher.PublishAsync(dispatches, cancellationToken);
        }
        catch (Exception e)
        {
            metrics.DispatchesFailed.Add(dispatches.Length, new KeyValuePair<string, object?>("reason", e.GetType().Name));
            throw;
        }

        metrics.EventsRouted.Add(1);
        metrics.DispatchesPublished.Add(dispatches.Length);
        return new DispatchResult(RoutingOutcome.Routed, dispatches.Length);
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
                [DispatcherActivities.TargetRoutingKeyTag] = DispatchNames.RoutingKey(target.FlowId),
                [DispatcherActivities.ConfigurationTag] = target.ConfigurationId.Value,
            }));
        }
    }
}
