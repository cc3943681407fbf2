using Dispatcher.Contracts;
using MassTransit;

namespace Crm.Sync;

/// <summary>
/// Delivers each <see cref="RecordDispatched"/> copy of the CRM's configuration to the partner it targets. Copies for
/// other flows (other teams' configurations on the same broker) are not the worker's and are ignored.
/// </summary>
public sealed class RecordDispatchedConsumer(DispatchFlowsState state, IPartnerDelivery partners, ILogger<RecordDispatchedConsumer> logger)
    : IConsumer<RecordDispatched>
{
    public async Task Consume(ConsumeContext<RecordDispatched> context)
    {
        var copy = context.Message;
        var flows = await state.WhenReady(context.CancellationToken);
        if (!flows.Targets.TryGetValue(copy.TargetFlowId, out var target))
        {
            logger.LogDebug("Copy for flow {Flow} is not for the CRM's configuration; ignored", copy.TargetFlowId);
            return;
        }

        if (target.ApplicationUid != copy.ApplicationUid || target.Operation != copy.Operation)
        {
            throw new InvalidOperationException(
                $"Copy for flow {copy.TargetFlowId} names {copy.ApplicationUid}/{copy.Operation}; the flow belongs to {target.ApplicationUid}/{target.Operation}.");
        }

        await partners.DeliverAsync(
            new PartnerDelivery(copy.ApplicationUid, copy.TargetFlowId, copy.Operation, copy.RecordUid, copy.Data, copy.Meta),
            context.CancellationToken);
    }
}
