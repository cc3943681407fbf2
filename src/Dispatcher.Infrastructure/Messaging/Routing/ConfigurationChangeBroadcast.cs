using Dispatcher.Application.Ports;
using Dispatcher.Application.Routing;
using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using MassTransit;

namespace Dispatcher.Infrastructure.Messaging.Routing;

/// <summary>Announces configuration changes on the bus (<see cref="ConfigurationChanged"/>).</summary>
public sealed class BusConfigurationChangeNotifier(IPublishEndpoint publishEndpoint) : IConfigurationChangeNotifier
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task NotifyAsync(Configuration configuration, bool deleted, CancellationToken cancellationToken)
    {
        // A publish blocks while the broker is away: bound it (the change is stored; the table of this instance is current).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        await publishEndpoint.Publish(
            new ConfigurationChanged
            {
                ConfigurationId = configuration.Id.Value,
                Tenant = configuration.Tenant.Value,
                Deleted = deleted,
                Version = deleted ? 0 : configuration.Version,
            },
            timeout.Token);
    }
}

/// <summary>
/// Keeps this instance's routing table in step with changes made through any instance: reloads the changed
/// configuration from the store (the message only says which one). Each instance has its own temporary queue.
/// </summary>
public sealed class ConfigurationChangedConsumer(IConfigurationRepository repository, RoutingTable table) : IConsumer<ConfigurationChanged>
{
    public async Task Consume(ConsumeContext<ConfigurationChanged> context)
    {
        var message = context.Message;
        if (!ConfigurationId.TryParse(message.ConfigurationId, out var id))
        {
            return;
        }

        var configuration = message.Deleted
            ? null
            : await repository.GetAsync(TenantId.Parse(message.Tenant), id, context.CancellationToken);
        if (configuration is null)
        {
            table.Remove(id);
        }
        else
        {
            table.Upsert(configuration);
        }
    }
}
