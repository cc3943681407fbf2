using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.Messaging.EventBus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Dispatcher.Infrastructure.Messaging.ErrorQueue;

/// <summary>
/// Lists failed messages in the service's error queues and moves them back to the queue they failed in for another
/// try: all of them, or only those whose failure concerns one target flow (the reason names <c>target flow &lt;id&gt;</c>)
/// or that come from one source flow. Covers the event bus's error queue and the <c>RecordChanged</c> contract's
/// (MassTransit's <c>_error</c> queue of that endpoint; the envelope is in the body and goes back unchanged).
/// Messages are moved with publisher confirms before they are removed, so a crash duplicates rather than loses.
/// </summary>
public sealed partial class ErrorQueueRedriver(IOptions<MessagingOptions> options, ILogger<ErrorQueueRedriver> logger) : IErrorQueues
{
    private const string FaultMessageHeader = FaultReasonFilter.FaultMessageHeader;
    private const string FaultTypeHeader = FaultReasonFilter.FaultExceptionTypeHeader;
    private readonly MessagingOptions _options = options.Value;

    /// <summary>The error queues, each with where its messages go back to and how its bodies are read.</summary>
    private IEnumerable<ErrorQueueSource> Sources(ErrorQueueKind? only)
    {
        ErrorQueueSource[] all =
        [
            new(ErrorQueueKind.Events, _options.ErrorQueue, _options.Queue, ReadEvent),
            new(ErrorQueueKind.Contracts, _options.RecordChangedErrorQueue, _options.RecordChangedQueue, ReadContract),
        ];
        return all.Where(s => only is null || s.Kind == only);
    }

    /// <summary>Moves matching messages of every error queue back (at most <paramref name="max"/> looked at per queue).</summary>
    public Task<RedriveResult> RedriveAsync(string? targetFlowId, string? sourceFlowId, int max, CancellationToken cancellationToken) =>
        RedriveAsync(null, targetFlowId, sourceFlowId, max, cancellationToken);

    public async Task<RedriveResult> RedriveAsync(
        ErrorQueueKind? queue, string? targetFlowId, string? sourceFlowId, int max, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var results = new List<QueueRedriveResult>();
        foreach (var source in Sources(queue))
        {
            results.Add(await RedriveAsync(connection, source, targetFlowId, sourceFlowId, max, cancellationToken));
        }

        return new RedriveResult(results.Sum(r => r.Moved), results.Sum(r => r.Kept)) { Queues = results };
    }

    /// <summary>Lists up to <paramref name="max"/> messages of every error queue without removing them.</summary>
    public Task<IReadOnlyList<ErrorQueueMessage>> PeekAsync(int max, CancellationToken cancellationToken) =>
        PeekAsync(null, max, cancellationToken);

    public async Task<IReadOnlyList<ErrorQueueMessage>> PeekAsync(ErrorQueueKind? queue, int max, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var result = new List<ErrorQueueMessage>();
        foreach (var source in Sources(queue))
        {
            // A snapshot: the messages waiting now, in order.
            var waiting = Math.Min(max, await WaitingAsync(connection, source.ErrorQueue, cancellationToken));
            if (waiting == 0)
            {
                continue;
            }

            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            var count = 0;
            while (count++ < waiting && await channel.BasicGetAsync(source.ErrorQueue, autoAck: false, cancellationToken) is { } message)
            {
                result.Add(Describe(source, message));
            }

            // Closing the channel returns every unacknowledged message to the queue, in order.
        }

        return result;
    }

    private async Task<QueueRedriveResult> RedriveAsync(
        IConnection connection, ErrorQueueSource source, string? targetFlowId, string? sourceFlowId, int max, CancellationToken cancellationToken)
    {
        // Only the messages waiting now: one that fails again at once (a malformed one) comes back behind them while
        // this runs, and must not be moved round and round.
        var waiting = Math.Min(max, await WaitingAsync(connection, source.ErrorQueue, cancellationToken));
        if (waiting == 0)
        {
            return new QueueRedriveResult(source.Kind, source.ErrorQueue, source.ReturnQueue, 0, 0);
        }

        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var kept = new List<ulong>();
        var moved = 0;
        // Unmatched messages stay unacknowledged until the end, so basic.get moves on to the next one.
        while (moved + kept.Count < waiting && await channel.BasicGetAsync(source.ErrorQueue, autoAck: false, cancellationToken) is { } message)
        {
            var view = Describe(source, message);
            var matches = (targetFlowId is null || view.Reason?.Contains($"target flow {targetFlowId}", StringComparison.Ordinal) == true)
                && (sourceFlowId is null || view.SourceFlowId == sourceFlowId);
            if (!matches)
            {
                kept.Add(message.DeliveryTag);
                continue;
            }

            // MassTransit's fault headers go (the next failure writes its own); the body — for a contract the whole
            // MassTransit envelope — and the other properties (content type, message id, persistence) stay.
            var properties = new BasicProperties(message.BasicProperties)
            {
                Headers = message.BasicProperties.Headers?
                    .Where(h => !h.Key.StartsWith("MT-", StringComparison.Ordinal))
                    .ToDictionary(h => h.Key, h => h.Value),
            };
            // Confirmed (and routed: mandatory) before the original is removed.
            await channel.BasicPublishAsync(string.Empty, source.ReturnQueue, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        foreach (var tag in kept)
        {
            await channel.BasicNackAsync(tag, multiple: false, requeue: true, cancellationToken);
        }

        LogRedriven(source.ErrorQueue, moved, source.ReturnQueue, kept.Count);
        return new QueueRedriveResult(source.Kind, source.ErrorQueue, source.ReturnQueue, moved, kept.Count);
    }

    /// <summary>
    /// How many messages wait in <paramref name="queue"/> now. MassTransit creates an error queue with its first
    /// failure: none yet means nothing failed there (0).
    /// </summary>
    private static async Task<int> WaitingAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        // A passive declare of a missing queue closes its channel: a channel of its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (int)Math.Min(int.MaxValue, (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    private static ErrorQueueMessage Describe(ErrorQueueSource source, BasicGetResult message)
    {
        string? eventName = null, sourceFlowId = null;
        try
        {
            using var document = JsonDocument.Parse(message.Body);
            (eventName, sourceFlowId) = source.Read(document.RootElement);
        }
        catch (JsonException)
        {
            // Malformed bodies are exactly what the error queue holds; they are shown without these fields.
        }

        return new ErrorQueueMessage(
            source.Kind, source.ErrorQueue, message.BasicProperties.MessageId, eventName, sourceFlowId,
            Header(message, FaultMessageHeader), Header(message, FaultTypeHeader));
    }

    /// <summary>A platform event: <c>{"headers":{"name":…},"payload":{"meta":{"flowId":…}}}</c>.</summary>
    private static (string? EventName, string? SourceFlowId) ReadEvent(JsonElement root) =>
        (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object
                && h.TryGetProperty("name", out var n) ? n.ToString() : null,
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("meta", out var m) && m.ValueKind == JsonValueKind.Object
                && m.TryGetProperty("flowId", out var f) ? f.ToString() : null);

    /// <summary>
    /// A <c>RecordChanged</c> in MassTransit's envelope (<c>{"messageType":["urn:message:…:RecordChanged"],"message":{"flowId":…}}</c>),
    /// or sent as raw JSON (the message itself).
    /// </summary>
    private static (string? EventName, string? SourceFlowId) ReadContract(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        var enveloped = root.TryGetProperty("message", out var inner) && inner.ValueKind == JsonValueKind.Object;
        var message = enveloped ? inner : root;
        var eventName = root.TryGetProperty("messageType", out var types) && types.ValueKind == JsonValueKind.Array
            && types.GetArrayLength() > 0 && types[0].ValueKind == JsonValueKind.String
                ? types[0].GetString()!.Split(':')[^1]
                : "RecordChanged";
        var flowId = message.TryGetProperty("flowId", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        return (eventName, flowId);
    }

    private static string? Header(BasicGetResult message, string name) =>
        message.BasicProperties.Headers?.TryGetValue(name, out var value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
            : null;

    private Task<IConnection> ConnectAsync(CancellationToken cancellationToken) =>
        BrokerConnections.OpenAsync(_options, "redrive", recovering: false, cancellationToken);

    [LoggerMessage(LogLevel.Information, "Error queue redrive: {Moved} message(s) moved from {ErrorQueue} back to {ReturnQueue}; {Kept} stay")]
    private partial void LogRedriven(string errorQueue, int moved, string returnQueue, int kept);

    /// <summary>One error queue: where its messages go back to, and how their source is read from a body.</summary>
    private sealed record ErrorQueueSource(
        ErrorQueueKind Kind, string ErrorQueue, string ReturnQueue, Func<JsonElement, (string? EventName, string? SourceFlowId)> Read);
}
