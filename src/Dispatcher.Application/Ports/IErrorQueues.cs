namespace Dispatcher.Application.Ports;

/// <summary>
/// The service's error queues on the broker: list failed messages and move them back to the queue they failed in.
/// Registered only with a RabbitMQ broker (the in-memory bus has no error queue).
/// </summary>
public interface IErrorQueues
{
    /// <summary>
    /// Lists up to <paramref name="max"/> messages of <paramref name="queue"/> (null: of each error queue, the event
    /// bus's first) without removing them.
    /// </summary>
    Task<IReadOnlyList<ErrorQueueMessage>> PeekAsync(ErrorQueueKind? queue, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the messages of <paramref name="queue"/> (null: every error queue) that match both filters back to the
    /// queue they failed in; at most <paramref name="max"/> messages are looked at per queue.
    /// </summary>
    /// <param name="queue">Only this error queue, or null for all.</param>
    /// <param name="targetFlowId">Only messages whose failure names <c>target flow &lt;id&gt;</c>, or null.</param>
    /// <param name="sourceFlowId">Only messages from this source flow, or null.</param>
    /// <param name="max">At most this many messages looked at per error queue.</param>
    /// <param name="cancellationToken">Ends the call.</param>
    Task<RedriveResult> RedriveAsync(
        ErrorQueueKind? queue, string? targetFlowId, string? sourceFlowId, int max, CancellationToken cancellationToken);
}
