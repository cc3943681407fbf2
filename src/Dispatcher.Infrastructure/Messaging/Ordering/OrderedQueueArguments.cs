using RabbitMQ.Client.Exceptions;

namespace Dispatcher.Infrastructure.Messaging.Ordering;

/// <summary>
/// What <see cref="QueueTypeCheck"/> needs to know about ordered mode: the extra queues it declares, the arguments
/// each queue must have, and the message for a queue that exists with(out) single active consumer. RabbitMQ refuses
/// to redeclare a queue with another <c>x-single-active-consumer</c> (406 PRECONDITION_FAILED), so switching
/// <see cref="MessagingOptions.Ordering"/> on an existing input queue stops the start with that queue's name.
/// </summary>
internal static class OrderedQueueArguments
{
    /// <summary>The partition queues (ordered mode only).</summary>
    public static IEnumerable<string> ExtraQueues(MessagingOptions options) =>
        options.Ordering == MessageOrdering.PerRecord ? OrderedPartitioning.QueueNames(options) : [];

    /// <summary>The declare arguments <paramref name="queue"/> must have.</summary>
    public static Dictionary<string, object?>? For(MessagingOptions options, string queue) =>
        options.Ordering == MessageOrdering.PerRecord && (queue == options.Queue || OrderedPartitioning.QueueNames(options).Contains(queue))
            ? OrderedPartitioning.OrderedQueueArguments(options.QueueType)
            : QueueTypes.Arguments(options.QueueType);

    /// <summary>The broker refused a declare because the queue exists with another single-active-consumer setting.</summary>
    public static bool IsMismatch(Exception exception) =>
        exception is OperationInterruptedException { ShutdownReason: { ReplyCode: 406 } reason }
        && reason.ReplyText.Contains(OrderedPartitioning.SingleActiveConsumerArgument, StringComparison.Ordinal);

    /// <summary>The one message that names the queue, what ordered mode needs and the way out.</summary>
    public static string MismatchMessage(string queue, MessagingOptions options, Exception exception) =>
        $"Queue '{queue}' exists on the broker with another {OrderedPartitioning.SingleActiveConsumerArgument} than "
        + $"Messaging:Ordering={options.Ordering} needs ({(options.Ordering == MessageOrdering.PerRecord ? "true" : "none")}), so RabbitMQ refuses to declare it "
        + $"(PRECONDITION_FAILED: {(exception as OperationInterruptedException)?.ShutdownReason?.ReplyText}). "
        + "Stop every instance, let the queue drain, delete it and start again, or use another Messaging:Queue "
        + "(docs/configuration.md, \"Ordered mode\").";
}
