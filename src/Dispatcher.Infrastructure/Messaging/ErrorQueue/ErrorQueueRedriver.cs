using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Dispatcher.Infrastructure.Messaging.ErrorQueue;

/// <summary>What a redrive did.</summary>
/// <param name="Moved">Messages moved back to the service's queue.</param>
/// <param name="Kept">Messages that did not match the filter and stay in the error queue.</param>
public sealed record RedriveResult(int Moved, int Kept);

/// <summary>A message in the error queue, as shown to operators.</summary>
/// <param name="MessageId">The message id, if any.</param>
/// <param name="EventName">The event name from the body, if readable.</param>
/// <param name="SourceFlowId">The source flow (<c>payload.meta.flowId</c>), if readable.</param>
/// <param name="Reason">Why it failed (MassTransit's fault message header).</param>
/// <param name="ExceptionType">The failure's exception type.</param>
public sealed record ErrorQueueMessage(string? MessageId, string? EventName, string? SourceFlowId, string? Reason, string? ExceptionType);

/// <summary>
/// Moves failed events from the error queue back to the service's queue for another try: all of them, or only those
/// whose failure concerns one target flow (the reason names <c>target flow &lt;id&gt;</c>) or that come from one
/// source flow. Messages are moved with publisher confirms before they are removed, so a crash duplicates rather
/// than loses.
/// </summary>
public sealed partial class ErrorQueueRedriver(IOptions<MessagingOptions> options, ILogger<ErrorQueueRedriver> logger)
{
    private const string FaultMessageHeader = "MT-Fault-Message";
    private const string FaultTypeHeader = "MT-Fault-ExceptionType";
    private readonly MessagingOptions _options = options.Value;

    /// <summary>Moves matching messages back (at most <paramref name="max"/>).</summary>
    public async Task<RedriveResult> RedriveAsync(string? targetFlowId, string? sourceFlowId, int max, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var kept = new List<ulong>();
        var moved = 0;
        // Unmatched messages stay unacknowledged until the end, so basic.get moves on to the next one.
        while (moved + kept.Count < max && await channel.BasicGetAsync(_options.ErrorQueue, autoAck: false, cancellationToken) is { } message)
        {
            var view = Describe(message);
            var matches = (targetFlowId is null || view.Reason?.Contains($"target flow {targetFlowId}", StringComparison.Ordinal) == true)
                && (sourceFlowId is null || view.SourceFlowId == sourceFlowId);
            if (!matches)
            {
                kept.Add(message.DeliveryTag);
                continue;
            }

            var properties = new BasicProperties(message.BasicProperties)
            {
                Headers = message.BasicProperties.Headers?
                    .Where(h => !h.Key.StartsWith("MT-", StringComparison.Ordinal))
                    .ToDictionary(h => h.Key, h => h.Value),
            };
            await channel.BasicPublishAsync(string.Empty, _options.Queue, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        foreach (var tag in kept)
        {
            await channel.BasicNackAsync(tag, multiple: false, requeue: true, cancellationToken);
        }

        LogRedriven(moved, kept.Count);
        return new RedriveResult(moved, kept.Count);
    }

    /// <summary>Lists up to <paramref name="max"/> messages of the error queue without removing them.</summary>
    public async Task<IReadOnlyList<ErrorQueueMessage>> PeekAsync(int max, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var result = new List<ErrorQueueMessage>();
        while (result.Count < max && await channel.BasicGetAsync(_options.ErrorQueue, autoAck: false, cancellationToken) is { } message)
        {
            result.Add(Describe(message));
        }

        // Closing the channel returns every unacknowledged message to the queue, in order.
        return result;
    }

    private static ErrorQueueMessage Describe(BasicGetResult message)
    {
        string? eventName = null, sourceFlowId = null;
        try
        {
            using var document = JsonDocument.Parse(message.Body);
            var root = document.RootElement;
            eventName = root.TryGetProperty("headers", out var h) && h.TryGetProperty("name", out var n) ? n.ToString() : null;
            sourceFlowId = root.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("meta", out var m) && m.ValueKind == JsonValueKind.Object
                && m.TryGetProperty("flowId", out var f) ? f.ToString() : null;
        }
        catch (JsonException)
        {
            // Malformed bodies are exactly what the error queue holds; they are shown without these fields.
        }

        return new ErrorQueueMessage(
            message.BasicProperties.MessageId, eventName, sourceFlowId,
            Header(message, FaultMessageHeader), Header(message, FaultTypeHeader));
    }

    private static string? Header(BasicGetResult message, string name) =>
        message.BasicProperties.Headers?.TryGetValue(name, out var value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
            : null;

    private Task<IConnection> ConnectAsync(CancellationToken cancellationToken) =>
        new ConnectionFactory { Uri = new Uri(_options.RabbitMqUrl!), ClientProvidedName = $"{_options.ServiceName}-redrive" }
            .CreateConnectionAsync(cancellationToken);

    [LoggerMessage(LogLevel.Information, "Error queue redrive moved {Moved} message(s) back; {Kept} stay")]
    private partial void LogRedriven(int moved, int kept);
}
