namespace Dispatcher.Application.Common.Health;

/// <summary>
/// Names and tags of the service's health checks (see docs/operations.md): registered by the adapters, read by the
/// probes. The bus checks also report their transport (<see cref="TransportData"/>).
/// </summary>
public static class HealthChecks
{
    /// <summary>The configuration store (SQLite or MongoDB), whichever is configured.</summary>
    public const string Store = "store";

    /// <summary>The Flow Repository, registered only when <c>FlowRepository:BaseUrl</c> is set.</summary>
    public const string FlowRepository = "flowRepository";

    /// <summary>
    /// The tag of the event path check (<see cref="Broker"/>): the event-bus receive endpoint's live state, so a lost
    /// RabbitMQ connection turns it unhealthy, and it is healthy again as soon as that endpoint consumes again.
    /// </summary>
    public const string BusTag = "bus";

    /// <summary>The tag left on MassTransit's own whole-bus check, which decides nothing (diagnostics only).</summary>
    public const string MassTransitTag = "masstransit";

    /// <summary>The event path: the endpoint consuming the platform's events (<c>Messaging:Queue</c>). Fails readiness.</summary>
    public const string Broker = "broker";

    /// <summary>The <c>RecordChanged</c> contract endpoint, reported separately: degraded, never failing readiness.</summary>
    public const string Contracts = "contracts";

    /// <summary>Per-flow dispatch queues nobody reads (queue-per-flow mode): degraded, never failing readiness.</summary>
    public const string DispatchQueues = "dispatchQueues";

    /// <summary>The tag of the checks that decide readiness (MassTransit tags its check the same way).</summary>
    public const string ReadyTag = "ready";

    /// <summary>The key of a bus check's data naming its transport: <c>rabbitmq</c> or <c>in-memory</c>.</summary>
    public const string TransportData = "transport";
}
