using MassTransit;
using Microsoft.Extensions.Hosting;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// The cancellation an event's processing obeys once it was received: the service shutting down, not the receive
/// transport going away. MassTransit cancels a consume context when its channel or connection is lost; an event the
/// platform published non-persistent is then gone from the broker too, so it is finished instead (its dispatches wait
/// for the connection to return, see <c>RabbitMqDispatchPublisher.PublishAsync</c>) and only a shutdown stops it.
/// </summary>
internal sealed class CompletionToken : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly CancellationTokenRegistration _onConsume;
    private readonly CancellationTokenRegistration _onStopping;

    public CompletionToken(ConsumeContext context, IHostApplicationLifetime lifetime)
    {
        var consume = context.CancellationToken;
        var stopping = lifetime.ApplicationStopping;
        // Either order: the consume context cancelled during shutdown, or shutdown after it was cancelled by a loss.
        _onConsume = consume.Register(() =>
        {
            if (stopping.IsCancellationRequested)
            {
                Cancel();
            }
        });
        _onStopping = stopping.Register(() =>
        {
            if (consume.IsCancellationRequested)
            {
                Cancel();
            }
        });
    }

    /// <summary>The token to process the event with.</summary>
    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        _onConsume.Dispose();
        _onStopping.Dispose();
        _source.Dispose();
    }

    private void Cancel()
    {
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished meanwhile.
        }
    }
}
