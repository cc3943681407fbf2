using System.Collections.Concurrent;
using System.Text;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Messaging.Dispatch;

/// <summary>
/// The embedded mode's dispatch sink (no broker): keeps the latest dispatches in memory, in the exact wire format,
/// so a newcomer can see what the service would send (<c>GET /events/dispatches</c>).
/// </summary>
public sealed class InMemoryDispatchPublisher(IOptions<MessagingOptions> options, TimeProvider timeProvider)
    : IDispatchDestinations, IRecentDispatches
{
    private const int Capacity = 1000;
    private readonly ConcurrentQueue<PublishedDispatch> _recent = new();

    public IReadOnlyList<PublishedDispatch> Recent => [.. _recent];

    public Task PublishAsync(IReadOnlyList<OutgoingDispatch> dispatches, CancellationToken cancellationToken)
    {
        if (dispatches.Count == 0)
        {
            return Task.CompletedTask;
        }

        var now = timeProvider.GetUtcNow();
        var template = DispatchBodyTemplate.Create(dispatches[0].Dispatch.Source, options.Value.ServiceName, now);
        foreach (var dispatch in dispatches)
        {
            if (!ReferenceEquals(dispatch.Dispatch.Source, template.Source))
            {
                template = DispatchBodyTemplate.Create(dispatch.Dispatch.Source, options.Value.ServiceName, now);
            }

            var body = Encoding.UTF8.GetString(template.Write(dispatch));
            _recent.Enqueue(new PublishedDispatch(dispatch.RoutingKey, dispatch.MessageId, dispatch.Dispatch.Target.ConfigurationId.Value, body, now));
            while (_recent.Count > Capacity && _recent.TryDequeue(out _))
            {
            }
        }

        return Task.CompletedTask;
    }

    public Task EnsureAsync(FlowId flowId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RemoveAsync(FlowId flowId, CancellationToken cancellationToken) => Task.CompletedTask;
}
