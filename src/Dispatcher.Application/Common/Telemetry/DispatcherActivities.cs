using System.Diagnostics;

namespace Dispatcher.Application.Common.Telemetry;

/// <summary>
/// The service's own trace spans, on the activity source <see cref="SourceName"/> (exported by the host's telemetry
/// setup together with ASP.NET Core's, MassTransit's and RabbitMQ.Client's). Tag and event names are constants here so
/// dashboards and tests share them.
/// </summary>
public static class DispatcherActivities
{
    public const string SourceName = "Dispatcher";

    /// <summary>The span of routing one record event and sending its copies.</summary>
    public const string RouteActivity = "dispatcher.route";

    /// <summary>The event added to <see cref="RouteActivity"/> for each target that receives a copy.</summary>
    public const string TargetEvent = "dispatcher.target";

    /// <summary>Tag: the event's source flow.</summary>
    public const string SourceFlowTag = "dispatcher.source_flow_id";

    /// <summary>Tag: CREATE, UPDATE or DELETE.</summary>
    public const string OperationTag = "dispatcher.operation";

    /// <summary>Tag: the routing outcome (Routed, UnknownSource, SourceInactive, NoMatchingTarget).</summary>
    public const string OutcomeTag = "dispatcher.routing.outcome";

    /// <summary>Tag: how many copies are sent.</summary>
    public const string TargetCountTag = "dispatcher.routing.target_count";

    /// <summary>Tag: the target flows, in order (an array).</summary>
    public const string TargetFlowsTag = "dispatcher.routing.target_flow_ids";

    /// <summary>Tag: the correlation id carried to every dispatch.</summary>
    public const string CorrelationTag = "dispatcher.correlation_id";

    /// <summary>Tag: dispatcher hops made so far.</summary>
    public const string HopTag = "dispatcher.hop_count";

    /// <summary>Target event tag: the target flow.</summary>
    public const string TargetFlowTag = "dispatcher.target.flow_id";

    /// <summary>Target event tag: the target app's uid.</summary>
    public const string TargetAppTag = "dispatcher.target.application_uid";

    /// <summary>Target event tag: the AMQP routing key of the copy.</summary>
    public const string TargetRoutingKeyTag = "dispatcher.target.routing_key";

    /// <summary>Tag and target event tag: the configuration the source belongs to.</summary>
    public const string ConfigurationTag = "dispatcher.configuration_id";

    /// <summary>The source. Activities are created only while someone listens (the OpenTelemetry SDK, a test).</summary>
    public static ActivitySource Source { get; } = new(SourceName);
}
