using Dispatcher.Infrastructure.Messaging;
using MassTransit;

namespace Dispatcher.Infrastructure.Tests.Messaging;

/// <summary>
/// The bounded reconnect policy reaches MassTransit's host configuration (by reflection): this fails when a MassTransit
/// upgrade moves the internals, before a broker restart would show it.
/// </summary>
public sealed class ReceiveReconnectPolicyTests
{
    [Test]
    public void The_receive_transport_retry_policy_is_replaced_and_keeps_masstransits_choice_of_retried_failures()
    {
        var applied = false;
        IRetryPolicy? before = null, after = null;
        Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri("amqp://127.0.0.1:1/"));
            before = ReceiveReconnectPolicy.Current(cfg);
            applied = ReceiveReconnectPolicy.TryApply(cfg);
            after = ReceiveReconnectPolicy.Current(cfg);
        });

        applied.Should().BeTrue();
        before.Should().NotBeNull();
        after.Should().NotBeSameAs(before).And.BeOfType<MassTransit.RetryPolicies.ExponentialRetryPolicy>();
        var connectionLost = new RabbitMqConnectionException("connection lost");
        after!.IsHandled(connectionLost).Should().Be(before!.IsHandled(connectionLost)).And.BeTrue();
        var notRetried = new ArgumentException("a configuration mistake");
        after.IsHandled(notRetried).Should().Be(before.IsHandled(notRetried));
        ReceiveReconnectPolicy.MaxInterval.Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(5));
    }
}
