using System.Text.Json;
using Dispatcher.Contracts;
using MassTransit;

namespace Crm.Sync;

/// <summary>A contact changed in the CRM. <paramref name="PartnerIds"/>: the contact's id in each partner system known so far.</summary>
public sealed record CrmContactChange(
    string ContactId, RecordOperation Operation, object Contact, IReadOnlyDictionary<string, string>? PartnerIds = null);

/// <summary>Publishes the CRM's contact changes to the Dispatcher as <see cref="RecordChanged"/>.</summary>
public sealed class CrmChangePublisher(IBus bus, DispatchFlowsState state)
{
    public async Task<RecordChanged> PublishAsync(CrmContactChange change, CancellationToken cancellationToken = default)
    {
        var flows = await state.WhenReady(cancellationToken);
        var message = new RecordChanged
        {
            EventId = NewId.NextGuid(),
            FlowId = flows.SourceFlowId,
            Operation = change.Operation,
            // The Dispatcher keeps the changes of one record in order by oihUid.
            Meta = new Dictionary<string, JsonElement> { ["oihUid"] = JsonSerializer.SerializeToElement(change.ContactId) },
            Refs = [.. (change.PartnerIds ?? new Dictionary<string, string>())
                .Select(p => new RecordReference { ApplicationUid = p.Key, RecordUid = p.Value })],
            Data = JsonSerializer.SerializeToElement(change.Contact, JsonSerializerOptions.Web),
        };
        await bus.Publish(message, cancellationToken);
        return message;
    }
}
