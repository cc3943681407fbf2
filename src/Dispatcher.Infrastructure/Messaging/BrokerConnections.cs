using RabbitMQ.Client;

namespace Dispatcher.Infrastructure.Messaging;

/// <summary>
/// The one way this service opens its own RabbitMQ connections (beside MassTransit's): to
/// <see cref="MessagingOptions.RabbitMqUrl"/>, named <c>&lt;ServiceName&gt;-&lt;purpose&gt;</c> in the broker's
/// connection list.
/// </summary>
internal static class BrokerConnections
{
    /// <summary>Opens a connection; with <paramref name="recovering"/>, the client reconnects (and restores its topology) on its own.</summary>
    public static Task<IConnection> OpenAsync(
        MessagingOptions options, string purpose, bool recovering, CancellationToken cancellationToken) =>
        new ConnectionFactory
        {
            Uri = new Uri(options.RabbitMqUrl!),
            ClientProvidedName = $"{options.ServiceName}-{purpose}",
            AutomaticRecoveryEnabled = recovering,
            TopologyRecoveryEnabled = recovering,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
        }.CreateConnectionAsync(cancellationToken);
}
