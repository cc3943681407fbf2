using Dispatcher.Application.Common.Errors;
using MassTransit;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>The retry policy of the event endpoints (event bus and contracts).</summary>
public static class EventRetryPolicy
{
    /// <summary>
    /// Retries with exponential backoff (<see cref="MessagingOptions.RetryLimit"/> times from
    /// <see cref="MessagingOptions.RetryMinInterval"/> up to <see cref="MessagingOptions.RetryMaxInterval"/>) and never
    /// retries a <see cref="PermanentEventFailureException"/>. With a limit of 0 no retry filter is configured:
    /// MassTransit's exponential policy with zero retries throws <see cref="IndexOutOfRangeException"/> on the first
    /// failure, which replaced every reason in the error queue by "Index was outside the bounds of the array.".
    /// </summary>
    public static void UseEventRetry(this IReceiveEndpointConfigurator endpoint, MessagingOptions options)
    {
        if (options.RetryLimit == 0)
        {
            return;
        }

        endpoint.UseMessageRetry(retry =>
        {
            retry.Exponential(options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval);
            retry.Ignore<PermanentEventFailureException>();
        });
    }
}
