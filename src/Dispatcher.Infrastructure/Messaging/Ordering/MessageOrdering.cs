namespace Dispatcher.Infrastructure.Messaging.Ordering;

/// <summary>How events of one record are ordered across instances (<c>Messaging:Ordering</c>; see docs/decisions/0015-ordered-mode.md).</summary>
public enum MessageOrdering
{
    /// <summary>
    /// Instances compete on the input queue; events of one record keep their order only inside one instance
    /// (default, unchanged behaviour).
    /// </summary>
    None = 1,

    /// <summary>
    /// One active instance re-keys the input queue by record into <see cref="MessagingOptions.OrderedPartitions"/>
    /// partition queues; each partition is consumed by one instance at a time, strictly in order. RabbitMQ only.
    /// </summary>
    PerRecord = 2,
}
