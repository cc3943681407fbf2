using Dispatcher.Application.Ports;

namespace Dispatcher.Application.Dispatching;

/// <summary>Announces nothing (<c>Messaging:PublishContracts=false</c>, the default).</summary>
public sealed class NoDispatchNotifier : IDispatchNotifier
{
    public static NoDispatchNotifier Instance { get; } = new();

    public bool Enabled => false;

    public Task NotifyAsync(OutgoingDispatch dispatch, CancellationToken cancellationToken) => Task.CompletedTask;
}
