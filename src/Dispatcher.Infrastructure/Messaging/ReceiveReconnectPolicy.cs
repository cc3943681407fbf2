using System.Reflection;
using MassTransit;

namespace Dispatcher.Infrastructure.Messaging;

/// <summary>
/// Bounds how long a RabbitMQ receive endpoint waits between reconnect attempts. MassTransit's own policy backs off
/// exponentially up to 30 s and offers no setting for it, so an endpoint could stay down for up to half a minute after
/// the broker was back (readiness measured 503 for ~20 s). The policy keeps MassTransit's exception filter (which
/// failures are worth retrying) and only replaces the intervals: <see cref="MinInterval"/> doubling up to
/// <see cref="MaxInterval"/>. Reached by reflection (MassTransit 8.5): <see cref="TryApply"/> returns false when the
/// internals moved, and the start-up log says so; the test of this class fails then too.
/// </summary>
public static class ReceiveReconnectPolicy
{
    /// <summary>The first wait after a failed attempt.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(3);

    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    /// <summary>Replaces the receive transport retry policy of the host <paramref name="configurator"/> configures.</summary>
    public static bool TryApply(IRabbitMqBusFactoryConfigurator configurator)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        var host = Field(configurator, "_hostConfiguration")?.GetValue(configurator);
        var policyField = host is null ? null : Field(host, "<ReceiveTransportRetryPolicy>k__BackingField");
        if (policyField?.GetValue(host) is not IRetryPolicy current || Field(current, "_filter")?.GetValue(current) is not IExceptionFilter filter)
        {
            return false;
        }

        var delta = TimeSpan.FromTicks(MinInterval.Ticks / 2);
        policyField.SetValue(host, new MassTransit.RetryPolicies.ExponentialRetryPolicy(filter, int.MaxValue, MinInterval, MaxInterval, delta));
        return true;
    }

    /// <summary>The receive transport retry policy now set on the host of <paramref name="configurator"/> (for tests).</summary>
    public static IRetryPolicy? Current(IRabbitMqBusFactoryConfigurator configurator)
    {
        var host = Field(configurator, "_hostConfiguration")?.GetValue(configurator);
        return host is null ? null : Field(host, "<ReceiveTransportRetryPolicy>k__BackingField")?.GetValue(host) as IRetryPolicy;
    }

    private static FieldInfo? Field(object target, string name)
    {
        for (var type = target.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetField(name, Instance) is { } field)
            {
                return field;
            }
        }

        return null;
    }
}
