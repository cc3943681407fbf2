namespace Dispatcher.Infrastructure.Messaging.Dispatch;

/// <summary>
/// A dispatch to a target flow was not confirmed by the broker (returned as unroutable, nacked, or timed out).
/// The message names the target flow (<c>target flow &lt;id&gt;</c>), which the error-queue redrive can filter on.
/// </summary>
public sealed class DispatchNotDeliveredException(string message, Exception? inner = null) : Exception(message, inner);
