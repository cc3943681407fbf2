namespace Dispatcher.Application.Ports;

/// <summary>What a redrive did in one error queue.</summary>
/// <param name="Queue">Which error queue.</param>
/// <param name="ErrorQueue">Its name on the broker.</param>
/// <param name="ReturnQueue">The queue its messages were moved back to (the one they failed in).</param>
/// <param name="Moved">Messages moved back.</param>
/// <param name="Kept">Messages that did not match the filter and stay.</param>
public sealed record QueueRedriveResult(ErrorQueueKind Queue, string ErrorQueue, string ReturnQueue, int Moved, int Kept);
