using System.ComponentModel.DataAnnotations;

namespace Dispatcher.Infrastructure.Health;

/// <summary>Settings of the health checks and the broker probe (section <c>Health</c>).</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>How long one component check may take before it counts as failed (seconds).</summary>
    [Range(0.1, 60)]
    public double TimeoutSeconds { get; set; } = 3;

    /// <summary>
    /// The path, relative to <c>FlowRepository:BaseUrl</c>, the Flow Repository check calls (no token is sent). Any
    /// answer below 500 counts as "the Flow Repository answers".
    /// </summary>
    [Required]
    public string FlowRepositoryPath { get; set; } = "healthcheck";

    /// <summary>
    /// How often the error queue's depth is read from the broker for the <c>dispatcher.error_queue.depth</c> gauge;
    /// <c>00:00:00</c> turns the probe off. Only with a broker (<c>Messaging:RabbitMqUrl</c>).
    /// </summary>
    public TimeSpan ErrorQueueProbeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the depth and consumers of the per-flow dispatch queues are read (only with
    /// <c>Messaging:Destination=QueuePerFlow</c> and a broker), to report queues that nobody reads; <c>00:00:00</c>
    /// turns the probe off.
    /// </summary>
    public TimeSpan DispatchQueueProbeInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}
