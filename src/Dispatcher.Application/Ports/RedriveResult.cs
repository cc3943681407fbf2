namespace Dispatcher.Application.Ports;

/// <summary>What a redrive did: the totals over the error queues it covered, and each queue's part.</summary>
/// <param name="Moved">Messages moved back to the queue they came from.</param>
/// <param name="Kept">Messages that did not match the filter and stay in their error queue.</param>
public sealed record RedriveResult(int Moved, int Kept)
{
    /// <summary>Each error queue covered, in the order it was handled.</summary>
    public IReadOnlyList<QueueRedriveResult> Queues { get; init; } = [];
}
