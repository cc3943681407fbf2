using System.ComponentModel.DataAnnotations;
using Dispatcher.Infrastructure.Messaging.Ordering;

namespace Dispatcher.Infrastructure.Messaging;

/// <summary>Where dispatches go.</summary>
public enum DispatchDestinationMode
{
    /// <summary>A durable queue per inbound flow, named and bound <c>dispatch.&lt;flowId&gt;</c> (default, loses nothing).</summary>
    QueuePerFlow = 1,

    /// <summary>The ecosystem's shared queue (<c>sdf-adapter</c>), bound to every <c>dispatch.&lt;flowId&gt;</c> (compatibility).</summary>
    SharedQueue = 2,
}

/// <summary>The RabbitMQ queue type of the durable queues the service declares (see docs/decisions/0014-queue-type.md).</summary>
public enum QueueType
{
    /// <summary>Classic queues, declared without <c>x-queue-type</c> (default: what the platform's own clients declare).</summary>
    Classic = 1,

    /// <summary>Quorum queues (<c>x-queue-type=quorum</c>): replicated; never exclusive or auto-delete.</summary>
    Quorum = 2,
}

/// <summary>Settings of the message broker side (section <c>Messaging</c>).</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>
    /// The RabbitMQ URL, e.g. <c>amqp://user:password@rabbit:5672/</c>. Empty: the in-memory transport (embedded mode).
    /// </summary>
    public string? RabbitMqUrl { get; set; }

    /// <summary>The platform's event bus exchange (topic, durable).</summary>
    [Required]
    public string Exchange { get; set; } = "event-bus";

    /// <summary>The service's durable queue on the event bus.</summary>
    [Required]
    public string Queue { get; set; } = "dispatcher-service";

    /// <summary>The event name (routing key) of created records.</summary>
    [Required]
    public string CreatedEvent { get; set; } = "data-hub.record.created";

    /// <summary>The event name of updated records.</summary>
    [Required]
    public string UpdatedEvent { get; set; } = "data-hub.record.updated";

    /// <summary>The event name of deleted records.</summary>
    [Required]
    public string DeletedEvent { get; set; } = "data-hub.record.deleted";

    /// <summary>The <c>serviceName</c> written into dispatch headers.</summary>
    [Required]
    public string ServiceName { get; set; } = "dispatcher-service";

    /// <summary>Where dispatches go.</summary>
    public DispatchDestinationMode Destination { get; set; } = DispatchDestinationMode.QueuePerFlow;

    /// <summary>The shared queue used with <see cref="DispatchDestinationMode.SharedQueue"/>.</summary>
    [Required]
    public string SharedQueue { get; set; } = "sdf-adapter";

    /// <summary>
    /// The type of the durable queues the service declares: its input queues, their error and skipped queues and the
    /// dispatch queues (per flow or shared). Temporary per-instance queues stay classic (auto-delete).
    /// </summary>
    public QueueType QueueType { get; set; } = QueueType.Classic;

    /// <summary>Messages fetched ahead per consumer.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>Events processed at once per instance.</summary>
    [Range(1, 1_000)]
    public int ConcurrencyLimit { get; set; } = 32;

    /// <summary>Ordering partitions: events about the same record go through the same partition, in order.</summary>
    [Range(1, 1_000)]
    public int Partitions { get; set; } = 32;

    /// <summary>
    /// Per-record order across instances: <see cref="MessageOrdering.None"/> (default) or
    /// <see cref="MessageOrdering.PerRecord"/> (partition queues with single active consumer; RabbitMQ only).
    /// </summary>
    public MessageOrdering Ordering { get; set; } = MessageOrdering.None;

    /// <summary>The number of partition queues with <see cref="MessageOrdering.PerRecord"/> (fixed once they exist: records are hashed over them).</summary>
    [Range(1, 1_000)]
    public int OrderedPartitions { get; set; } = 16;

    /// <summary>Attempts after the first one before an event goes to the error queue.</summary>
    [Range(0, 100)]
    public int RetryLimit { get; set; } = 5;

    /// <summary>First retry delay (doubles up to <see cref="RetryMaxInterval"/>).</summary>
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest retry delay.</summary>
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one publish may wait for the broker's confirm before it counts as failed (and is retried).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an event already received keeps waiting for a lost broker connection to come back so its copies not
    /// yet confirmed can be published (with the same ids) and the event finished, instead of failing half dispatched.
    /// The platform publishes its events non-persistent: one abandoned here would not come again after a broker restart.
    /// </summary>
    public TimeSpan CompletionTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Channels used for publishing dispatches (confirms are awaited concurrently on each).</summary>
    [Range(1, 64)]
    public int PublishChannels { get; set; } = 4;

    /// <summary>Also publish each dispatch as a <c>RecordDispatched</c> contract for .NET consumers.</summary>
    public bool PublishContracts { get; set; }

    /// <summary>True when a broker is configured.</summary>
    public bool UsesRabbitMq => !string.IsNullOrWhiteSpace(RabbitMqUrl);

    /// <summary>The error queue MassTransit moves failed events to.</summary>
    public string ErrorQueue => $"{Queue}_error";

    /// <summary>The receive queue of the <c>RecordChanged</c> contract (MassTransit endpoint).</summary>
    public string RecordChangedQueue => $"{Queue}-record-changed";

    /// <summary>The error queue MassTransit moves failed <c>RecordChanged</c> messages to.</summary>
    public string RecordChangedErrorQueue => $"{RecordChangedQueue}_error";
}
