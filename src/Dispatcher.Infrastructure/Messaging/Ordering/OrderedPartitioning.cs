using Dispatcher.Infrastructure.Messaging.EventBus;

namespace Dispatcher.Infrastructure.Messaging.Ordering;

/// <summary>
/// The partition topology of <see cref="MessageOrdering.PerRecord"/>: which partition an event belongs to (its record,
/// the same key as the in-process <see cref="OihEventConsumer.RecordPartitions"/>) and the names and arguments of the partition queues.
/// </summary>
public static class OrderedPartitioning
{
    /// <summary>The queue argument that makes the broker deliver to one consumer at a time.</summary>
    public const string SingleActiveConsumerArgument = "x-single-active-consumer";

    /// <summary>The partition of <paramref name="oihEvent"/>: a stable hash of <see cref="OihEventReader.PartitionKey"/>.</summary>
    public static int PartitionOf(OihEvent oihEvent, int partitions) => PartitionOf(OihEventReader.PartitionKey(oihEvent), partitions);

    /// <summary>The partition of a record key (FNV-1a over its UTF-16 code units, modulo <paramref name="partitions"/>).</summary>
    public static int PartitionOf(string key, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)partitions);
    }

    /// <summary>The name of partition <paramref name="partition"/>'s queue: <c>&lt;Queue&gt;.ordered-NN</c>.</summary>
    public static string QueueName(string inputQueue, int partition) => $"{inputQueue}.ordered-{partition:D2}";

    /// <summary>Every partition queue of <paramref name="options"/>, partition 0 first.</summary>
    public static IReadOnlyList<string> QueueNames(MessagingOptions options) =>
        [.. Enumerable.Range(0, options.OrderedPartitions).Select(p => QueueName(options.Queue, p))];

    /// <summary>
    /// The declare arguments of the input queue and the partition queues in ordered mode: single active consumer, and
    /// the queue type of <see cref="MessagingOptions.QueueType"/>.
    /// </summary>
    public static Dictionary<string, object?> OrderedQueueArguments(QueueType type)
    {
        var arguments = QueueTypes.Arguments(type) ?? [];
        arguments[SingleActiveConsumerArgument] = true;
        return arguments;
    }
}
