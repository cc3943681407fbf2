using Dispatcher.Application.Ports;

namespace Dispatcher.Application.Dispatching;

/// <summary>Announces nothing (<c>Messaging:PublishContracts=false</c>, the default).</summary>
public sealed class NoDispatchNotifier : IDispatchNotifier
{
    /// <summary>The one instance.</summary>
    public static NoDispatchNotifier Instance { get; } = new();

    /// <inheritdoc />
    public bool Enabled => false;

    /// <inheritdoc />
    public Task NotifyAsync(OutgoingDispatch dispatch, CancellationToken cancellationToken) => Task.CompletedTask;
}
