using RabbitMQ.Client.Exceptions;

namespace Dispatcher.Infrastructure.Messaging;

/// <summary>The declare arguments of <see cref="QueueType"/>, and the recognition of a type mismatch on declare.</summary>
internal static class QueueTypes
{
    /// <summary>The queue argument that fixes a queue's type.</summary>
    public const string Argument = "x-queue-type";

    /// <summary>
    /// The arguments of a durable queue of <paramref name="type"/>: none for classic (exactly as the platform's clients
    /// declare), <c>x-queue-type=quorum</c> for quorum.
    /// </summary>
    public static Dictionary<string, object?>? Arguments(QueueType type) =>
        type == QueueType.Quorum ? new Dictionary<string, object?> { [Argument] = "quorum" } : null;

    /// <summary>The broker refused a declare because the queue exists with another type (406 PRECONDITION_FAILED on x-queue-type).</summary>
    public static bool IsTypeMismatch(Exception exception) =>
        exception is OperationInterruptedException { ShutdownReason: { ReplyCode: 406 } reason }
        && reason.ReplyText.Contains(Argument, StringComparison.Ordinal);

    /// <summary>The one message that names the queue, both types and the way out.</summary>
    public static string MismatchMessage(string queue, QueueType configured, Exception exception) =>
        $"Queue '{queue}' exists on the broker with another type than Messaging:QueueType={configured}, so RabbitMQ refuses to "
        + $"declare it (PRECONDITION_FAILED: {(exception as OperationInterruptedException)?.ShutdownReason?.ReplyText}). "
        + "Delete or migrate the queue, or set Messaging:QueueType to its type (docs/operations.md, \"Changing the queue type\").";
}
