using System.Text;
using MassTransit;
using MassTransit.Middleware;

namespace Dispatcher.Infrastructure.Messaging.EventBus;

/// <summary>
/// Writes the reason of a failed event into its error-queue headers as the whole story, outermost first. MassTransit
/// writes only the innermost exception (<c>GetBaseException()</c>) into <c>MT-Fault-Message</c> and
/// <c>MT-Fault-ExceptionType</c>, so a failure such as "The dispatch to target flow X was returned as unroutable" with
/// the client's exception inside showed only the client's text, and the redrive filter on <c>target flow &lt;id&gt;</c>
/// never matched. Added to the error pipe of the event endpoints by <see cref="FaultReasonErrorPipe.UseFaultReasonErrorPipe"/>.
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

/// <summary>Configures an endpoint's error pipe: <see cref="FaultReasonFilter"/>, then MassTransit's own two filters.</summary>
public static class FaultReasonErrorPipe
{
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
