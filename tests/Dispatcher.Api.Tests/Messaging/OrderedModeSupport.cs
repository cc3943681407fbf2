using Dispatcher.Application.Dispatching;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// The stream of the ordered-mode tests: <c>records</c> records, each receiving CREATE then <c>updates</c> UPDATEs
/// (<c>data.n</c> = the event's number, <c>data.seq</c> = its place in its record's sequence). Records are published in
/// groups: one round per sequence step, each round's publishes concurrent (different records) and confirmed before the
/// next, so the input order of one record's events is their sequence. Dispatches go to one shared queue, so their
/// arrival order there is the order the service published them in.
/// </summary>
internal sealed class OrderedStream
{
    public const int GroupSize = 7;
    private readonly int _records;
    private readonly int _updates;
    private readonly IReadOnlyDictionary<string, string> _flows;
    private readonly Guid[] _eventIds;
    private readonly Dictionary<string, DispatchKey> _byDispatchId = [];

    public OrderedStream(int records, int updates, IReadOnlyDictionary<string, string> flows)
    {
        _records = records;
        _updates = updates;
        _flows = flows;
        _eventIds = [.. Enumerable.Range(0, records * (updates + 1)).Select(_ => Guid.NewGuid())];
        for (var record = 0; record < records; record++)
        {
            for (var seq = 0; seq <= updates; seq++)
            {
                var operation = seq == 0 ? "CREATE" : "UPDATE";
                foreach (var app in new[] { "wice", "outlook" })
                {
                    var id = MessageIds.ForDispatch(_eventIds[EventNumber(record, seq)].ToString("N"), FlowId.Parse(flows[$"{app}.{operation}"]));
                    _byDispatchId[id.ToString()] = new DispatchKey(record, seq, app);
                }
            }
        }
    }

    public int Events => _records * (_updates + 1);

    /// <summary>Two targets (Wice and Outlook) for every event.</summary>
    public int Dispatches => Events * 2;

    public int Groups => (_records + GroupSize - 1) / GroupSize;

    /// <summary>The number of the <paramref name="seq"/>-th event of record <paramref name="record"/>.</summary>
    public int EventNumber(int record, int seq) => (record * (_updates + 1)) + seq;

    /// <summary>The first event number of group <paramref name="group"/>'s records.</summary>
    public int FirstEventOf(int group) => EventNumber(Math.Min(_records, group * GroupSize), 0);

    /// <summary>Publishes group <paramref name="group"/>'s records, one confirmed round per sequence step.</summary>
    public async Task PublishGroupAsync(LossProducer producer, int group, CancellationToken cancellationToken)
    {
        var first = group * GroupSize;
        var last = Math.Min(_records, first + GroupSize);
        for (var seq = 0; seq <= _updates; seq++)
        {
            var step = seq;
            await Task.WhenAll(Enumerable.Range(first, last - first).Select(record =>
            {
                var n = EventNumber(record, step);
                var eventName = step == 0 ? "data-hub.record.created" : "data-hub.record.updated";
                var payload = $$$"""{"meta":{"domainId":"5d9b","schema":"person","recordUid":"r{{{record}}}","applicationUid":"snazzy1234","flowId":"{{{_flows["snazzy.out"]}}}","oihUid":"ordered-{{{record}}}"},"data":{"n":{{{n}}},"seq":{{{step}}}}}""";
                return producer.PublishConfirmedAsync(eventName, LossProducer.EventBody(eventName, payload, 1_700_000_000_000 + n), _eventIds[n].ToString(), cancellationToken);
            }));
        }
    }

    /// <summary>Checks the message ids read from the shared queue, in arrival order.</summary>
    public OrderReport Check(IEnumerable<string> messageIdsInArrivalOrder) => OrderCheck.Run(messageIdsInArrivalOrder, _byDispatchId);
}

/// <summary>What a dispatch id stands for: the record, the event's place in the record's sequence, the target app.</summary>
internal readonly record struct DispatchKey(int Record, int Seq, string App);

/// <summary>The verdict over the dispatches read from the shared queue.</summary>
/// <param name="Expected">Dispatch ids expected.</param>
/// <param name="Distinct">Expected ids that arrived at least once.</param>
/// <param name="Duplicates">Arrivals of an id already seen.</param>
/// <param name="Unknown">Arrivals of an id nobody expected.</param>
/// <param name="Violations">
/// First arrivals that came after the first arrival of a later event of the same record for the same target.
/// </param>
internal sealed record OrderReport(int Expected, int Distinct, int Duplicates, int Unknown, int Violations)
{
    public int Lost => Expected - Distinct;

    public override string ToString() =>
        $"expected {Expected}, arrived {Distinct} (lost {Lost}), duplicates {Duplicates} (same id), unknown ids {Unknown}, order violations {Violations}";
}

/// <summary>The checker: per record and target, the first arrivals must come in sequence order.</summary>
internal static class OrderCheck
{
    public static OrderReport Run(IEnumerable<string> messageIdsInArrivalOrder, IReadOnlyDictionary<string, DispatchKey> expected)
    {
        var seen = new HashSet<string>();
        var highest = new Dictionary<(int Record, string App), int>();
        int duplicates = 0, unknown = 0, violations = 0;
        foreach (var id in messageIdsInArrivalOrder)
        {
            if (!expected.TryGetValue(id, out var key))
            {
                unknown++;
                continue;
            }

            if (!seen.Add(id))
            {
                duplicates++;
                continue;
            }

            var slot = (key.Record, key.App);
            if (highest.TryGetValue(slot, out var before) && key.Seq < before)
            {
                violations++;
            }
            else
            {
                highest[slot] = key.Seq;
            }
        }

        return new OrderReport(expected.Count, seen.Count, duplicates, unknown, violations);
    }
}
