using System.Text;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using MassTransit;
using MassTransit.Middleware;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// What happens when an event fails, for both event endpoints (event bus and contracts) and their consumers, in one
/// place because the parts must agree: the retry policy (<see cref="UseEventRetry"/>), which failure is the last one
/// (<see cref="IsFinal"/>, counted by <see cref="Count"/>: exactly those the retry policy gives up on) and the error
/// pipe that writes the whole failure as the reason (<see cref="UseFaultReasonErrorPipe"/>, <see cref="FaultReasonFilter"/>).
/// </summary>
internal static class EventFailures
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

    /// <summary>
    /// True when <paramref name="exception"/> sends the message to the error queue: a permanent failure, or any other
    /// on the last attempt the retry policy allows. Not a cancellation by shutdown (the message is redelivered).
    /// </summary>
    public static bool IsFinal(ConsumeContext context, Exception exception, MessagingOptions options) =>
        exception is PermanentEventFailureException
        || (!(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
            && context.GetRetryAttempt() >= options.RetryLimit);

    /// <summary>Adds one failed event, tagged with the failure's type.</summary>
    public static void Count(DispatcherMetrics metrics, Exception exception) =>
        metrics.EventsFailed.Add(1, new KeyValuePair<string, object?>("reason", exception.GetType().Name));

    /// <summary>
    /// The error pipe with the full reason. MassTransit adds its default filters (fault event, move to the error queue)
    /// only to an empty error pipe, so they are added here explicitly: without them a failed message would be
    /// acknowledged and lost.
    /// </summary>
    public static void UseFaultReasonErrorPipe(this IReceiveEndpointConfigurator endpoint) =>
        endpoint.ConfigureError(error =>
        {
            error.UseFilter(new FaultReasonFilter());
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });
}

/// <summary>
/// Writes the reason of a failed event into its error-queue headers as the whole story, outermost first. MassTransit
/// writes only the innermost exception (<c>GetBaseException()</c>) into <c>MT-Fault-Message</c> and
/// <c>MT-Fault-ExceptionType</c>, so a failure such as "The dispatch to target flow X was returned as unroutable" with
/// the client's exception inside showed only the client's text, and the redrive filter on <c>target flow &lt;id&gt;</c>
/// never matched. Added to the error pipe of the event endpoints by <see cref="EventFailures.UseFaultReasonErrorPipe"/>.
/// </summary>
public sealed class FaultReasonFilter : IFilter<ExceptionReceiveContext>
{
    /// <summary>The header with the reason (read by the error-queue redrive and listing).</summary>
    public const string FaultMessageHeader = "MT-Fault-Message";

    public const string FaultExceptionTypeHeader = "MT-Fault-ExceptionType";

    private const int MaxLength = 4000;

    public Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        context.ExceptionHeaders.Set(FaultMessageHeader, Describe(context.Exception));
        context.ExceptionHeaders.Set(FaultExceptionTypeHeader, context.Exception.GetType().FullName);
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("faultReason");

    /// <summary>
    /// The outermost message, then each inner exception's type and message unless the text already contains it
    /// (e.g. "The dispatch to target flow X was not confirmed within 00:00:10. (TaskCanceledException: A task was canceled.)").
    /// </summary>
    public static string Describe(Exception exception)
    {
        var reason = new StringBuilder(exception.Message);
        for (var inner = exception.InnerException; inner is not null && reason.Length < MaxLength; inner = inner.InnerException)
        {
            if (!string.IsNullOrEmpty(inner.Message) && !reason.ToString().Contains(inner.Message, StringComparison.Ordinal))
            {
                reason.Append(" (").Append(inner.GetType().Name).Append(": ").Append(inner.Message).Append(')');
            }
        }

        return reason.Length <= MaxLength ? reason.ToString() : reason.ToString(0, MaxLength) + "…";
    }
}
