namespace Dispatcher.Infrastructure.Health;

/// <summary>Names and tags of the service's health checks (see docs/operations.md).</summary>
public static class HealthChecks
{
    /// <summary>The configuration store (SQLite or MongoDB), whichever is configured.</summary>
    public const string Store = "store";

    /// <summary>The Flow Repository, registered only when <c>FlowRepository:BaseUrl</c> is set.</summary>
    public const string FlowRepository = "flowRepository";

    /// <summary>
    /// The tag MassTransit gives its bus health check (registered by <c>AddMassTransit</c> as <c>masstransit-bus</c>):
    /// it reflects the live state of the bus's receive endpoints, so a lost RabbitMQ connection turns it unhealthy.
    /// </summary>
    public const string BusTag = "masstransit";

    /// <summary>The component name the bus check is reported under.</summary>
    public const string Broker = "broker";

    /// <summary>The tag of the checks that decide readiness (MassTransit tags its check the same way).</summary>
    public const string ReadyTag = "ready";
}
