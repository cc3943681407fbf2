using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Dispatching.DispatchRecordEvent;

namespace Dispatcher.Application.Ports;

/// <summary>
/// Announces copies that have been delivered to their target flow's destination to other services (with
/// <c>Messaging:PublishContracts</c>: each as a <c>RecordDispatched</c> contract on MassTransit). Called by
/// <see cref="DispatchRecordEventHandler"/> only after the copy itself was confirmed by the broker, once per copy, with
/// the copy's deterministic message id; see ADR 0012 for the delivery semantics.
/// </summary>
public interface IDispatchNotifier
{
    /// <summary>
    /// The default (<c>Messaging:PublishContracts=false</c>): announces nothing, and says so with <see cref="Enabled"/>.
    /// </summary>
    static IDispatchNotifier None { get; } = new Disabled();

    /// <summary>False when nothing is announced (the default): the handler then skips the announcement step entirely.</summary>
    bool Enabled { get; }

    /// <summary>
    /// Announces one delivered copy; completes when the announcement is confirmed (publisher confirm), throws otherwise
    /// (naming <c>target flow &lt;id&gt;</c>), so the event is retried.
    /// </summary>
    Task NotifyAsync(OutgoingDispatch dispatch, CancellationToken cancellationToken);

    private sealed class Disabled : IDispatchNotifier
    {
        public bool Enabled => false;

        public Task NotifyAsync(OutgoingDispatch dispatch, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
