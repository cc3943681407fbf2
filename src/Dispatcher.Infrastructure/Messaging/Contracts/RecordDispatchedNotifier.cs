using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Messaging.EventBus;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Messaging.Contracts;

/// <summary>
/// <c>Messaging:PublishContracts</c>: publishes each delivered copy as a <see cref="RecordDispatched"/> contract on the
/// service's MassTransit bus (RabbitMQ: the fanout exchange <c>Dispatcher.Contracts:RecordDispatched</c>, persistent,
/// publisher-confirmed; embedded: the in-memory bus), with the copy's deterministic message id, the incoming
/// correlation id (when it is a GUID) and the hop header. Waits at most <see cref="MessagingOptions.PublishTimeout"/>
/// for the confirm; any failure is a <see cref="ContractNotPublishedException"/> naming the target flow.
/// </summary>
internal sealed class RecordDispatchedNotifier(IBus bus, IOptions<MessagingOptions> options) : IDispatchNotifier
{
    public bool Enabled => true;

    public async Task NotifyAsync(OutgoingDispatch dispatch, CancellationToken cancellationToken)
    {
        var message = ToRecordDispatched(dispatch);
        var timeoutAfter = options.Value.PublishTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(timeoutAfter);
        try
        {
            await bus.Publish(message, context =>
            {
                context.MessageId = dispatch.MessageId;
                context.CorrelationId = Guid.TryParse(dispatch.CorrelationId, out var correlation) ? correlation : null;
                context.Durable = true;
                context.Headers.Set(OihEventConsumer.HopHeader, dispatch.HopCount);
            }, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ContractNotPublishedException(
                $"The RecordDispatched contract for target flow {message.TargetFlowId} was not confirmed within {timeoutAfter}.", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ContractNotPublishedException(
                $"The RecordDispatched contract for target flow {message.TargetFlowId} could not be published: {e.Message}", e);
        }
    }

    /// <summary>
    /// The contract of one copy: target flow and app, the target's record id, the operation (that of the target's
    /// inbound connection, which routing made equal to the event's), the tailored meta (source <c>flowId</c> included,
    /// <c>refs</c> left out) and the data unchanged.
    /// </summary>
    public static RecordDispatched ToRecordDispatched(OutgoingDispatch outgoing)
    {
        var dispatch = outgoing.Dispatch;
        return new RecordDispatched
        {
            TargetFlowId = dispatch.Target.FlowId.Value,
            ApplicationUid = dispatch.Target.ApplicationUid.Value,
            RecordUid = dispatch.RecordUid,
            Operation = dispatch.Source.Operation switch
            {
                Operation.Create => RecordOperation.Create,
                Operation.Update => RecordOperation.Update,
                Operation.Delete => RecordOperation.Delete,
                var other => throw new ArgumentOutOfRangeException(nameof(outgoing), other, "Unknown operation."),
            },
            Meta = new Dictionary<string, System.Text.Json.JsonElement>(dispatch.TailoredMeta().Fields),
            Data = dispatch.Source.Data,
        };
    }
}

/// <summary>
/// A <c>RecordDispatched</c> announcement of a delivered copy was not confirmed. Transient: the event is retried (the
/// copy itself is not delivered again by this instance). The message names <c>target flow &lt;id&gt;</c>, which the
/// error-queue redrive filters on.
/// </summary>
public sealed class ContractNotPublishedException(string message, Exception? inner = null) : Exception(message, inner);
