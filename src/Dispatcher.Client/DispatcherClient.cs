using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dispatcher.Client.Models;
using Refit;

namespace Dispatcher.Client;

/// <summary>The <see cref="IDispatcherClient"/> over the Refit interface: envelopes, ETags and problems.</summary>
internal sealed class DispatcherClient(IDispatcherApi api) : IDispatcherClient
{
    public async Task<IReadOnlyList<DispatchConfiguration>> ListAsync(CancellationToken cancellationToken = default) =>
        (await Send(api.List(cancellationToken))).Data;

    public Task<DispatcherResponse<DispatchConfiguration>> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Send(api.Get(Required(id), cancellationToken));

    public Task<DispatcherResponse<DispatchConfiguration>> CreateAsync(DispatchConfigurationInput configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Send(api.Create(configuration, cancellationToken));
    }

    public Task<DispatcherResponse<DispatchConfiguration>> ReplaceAsync(
        string id, DispatchConfigurationInput configuration, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Send(api.Replace(Required(id), configuration, IfMatch(expectedVersion), cancellationToken));
    }

    public Task<DispatcherResponse<DeletionResult>> DeleteAsync(string id, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        Send(api.Delete(Required(id), IfMatch(expectedVersion), cancellationToken));

    public Task<DispatcherResponse<DispatchConfiguration>> AddAppsAsync(
        string id, IEnumerable<DispatchAppInput> apps, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apps);
        return Send(api.AddApps(Required(id), [.. apps], IfMatch(expectedVersion), cancellationToken));
    }

    public Task<DispatcherResponse<DispatchConfiguration>> UpdateAppAsync(
        string id, string appId, DispatchAppPatch patch, long? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return Send(api.UpdateApp(Required(id), Required(appId), patch, IfMatch(expectedVersion), cancellationToken));
    }

    public Task<DispatcherResponse<DispatchConfiguration>> RemoveAppAsync(
        string id, string appId, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
        Send(api.RemoveApp(Required(id), Required(appId), IfMatch(expectedVersion), cancellationToken));

    public Task<DispatchPreview> PreviewAsync(string id, SampleRecordEvent sample, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return PreviewJsonAsync(id, ShortForm(sample), cancellationToken);
    }

    public async Task<DispatchPreview> PreviewJsonAsync(string id, JsonElement sampleEvent, CancellationToken cancellationToken = default) =>
        (await Send(api.Preview(Required(id), sampleEvent, cancellationToken))).Data;

    public Task<DispatchResult> PublishEventAsync(SampleRecordEvent recordEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordEvent);
        return PublishEventJsonAsync(EventBusForm(recordEvent), cancellationToken);
    }

    public async Task<DispatchResult> PublishEventJsonAsync(JsonElement recordEvent, CancellationToken cancellationToken = default) =>
        (await Send(api.PublishEvent(recordEvent, cancellationToken))).Data;

    public async Task<IReadOnlyList<PublishedDispatch>> ListRecentDispatchesAsync(CancellationToken cancellationToken = default) =>
        (await Send(api.RecentDispatches(cancellationToken))).Data;

    public async Task<IReadOnlyList<ErrorQueueMessage>> ListErrorQueueAsync(
        ErrorQueueKind? queue = null, int? max = null, CancellationToken cancellationToken = default) =>
        (await Send(api.ErrorQueue(QueryValue(queue), max, cancellationToken))).Data;

    public async Task<RedriveResult> RedriveErrorQueueAsync(
        ErrorQueueKind? queue = null, string? targetFlowId = null, string? sourceFlowId = null, int? max = null, CancellationToken cancellationToken = default) =>
        (await Send(api.Redrive(QueryValue(queue), targetFlowId, sourceFlowId, max, cancellationToken))).Data;

    // The service's names for the error queues (as in its OpenAPI document); null: both.
    private static string? QueryValue(ErrorQueueKind? queue) => queue switch
    {
        null => null,
        ErrorQueueKind.Events => "events",
        ErrorQueueKind.Contracts => "contracts",
        _ => throw new ArgumentOutOfRangeException(nameof(queue), queue, "Unknown error queue."),
    };

    public async Task<DispatcherHealthReport> GetReadinessAsync(CancellationToken cancellationToken = default)
    {
        using var response = await api.Readiness(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        // 503 is how an unready service answers, with the same report.
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable))
        {
            throw DispatcherApiException.FromResponse(response.StatusCode, body);
        }

        return JsonSerializer.Deserialize<DispatcherHealthReport>(body, DispatcherJson.Options)
            ?? throw DispatcherApiException.FromResponse(response.StatusCode, body);
    }

    /// <summary>The envelope's data with the answer's ETag, or the answer's problem as an exception.</summary>
    private static async Task<DispatcherResponse<T>> Send<T>(Task<IApiResponse<Envelope<T>>> call)
    {
        using var response = await call;
        if (!response.IsReceived || response.StatusCode is not { } status)
        {
            // No answer at all (connection refused, timeout, cancelled): the transport's failure as it is.
            var error = response.Error;
            throw error?.InnerException as OperationCanceledException
                ?? (Exception?)error
                ?? new HttpRequestException("The dispatcher did not answer.");
        }

        if (!response.IsSuccessStatusCode || response.Content is null)
        {
            throw DispatcherApiException.FromResponse(status, (response.Error as ApiException)?.Content);
        }

        var etag = response.Headers.ETag?.Tag;
        return new DispatcherResponse<T>
        {
            Data = response.Content.Data,
            StatusCode = status,
            ETag = etag,
            Version = long.TryParse(etag?.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null,
            PendingCleanup = response.Content.Meta?.PendingCleanup ?? [],
        };
    }

    private static string? IfMatch(long? expectedVersion) =>
        expectedVersion is { } version ? $"\"{version.ToString(CultureInfo.InvariantCulture)}\"" : null;

    private static string Required(string value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        // Refit escapes path parameters, so an id can never change the route.
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        return value;
    }

    /// <summary><c>{"flowId","operation","meta","data"}</c>, the preview's short form.</summary>
    private static JsonElement ShortForm(SampleRecordEvent sample)
    {
        var body = new JsonObject { ["flowId"] = sample.FlowId, ["operation"] = sample.Operation };
        if (sample.Meta is { } meta)
        {
            body["meta"] = JsonNode.Parse(meta.GetRawText());
        }

        if (sample.Data is { } data)
        {
            body["data"] = JsonNode.Parse(data.GetRawText());
        }

        return JsonSerializer.SerializeToElement(body);
    }

    /// <summary>The event bus's <c>{"headers":{"name":"data-hub.record.&lt;op&gt;d"},"payload":{"meta":{"flowId",…},"data"}}</c>.</summary>
    private static JsonElement EventBusForm(SampleRecordEvent sample)
    {
        var name = sample.Operation.ToUpperInvariant() switch
        {
            "CREATE" => "data-hub.record.created",
            "UPDATE" => "data-hub.record.updated",
            "DELETE" => "data-hub.record.deleted",
            _ => throw new ArgumentException($"Operation must be CREATE, UPDATE or DELETE, got '{sample.Operation}'.", nameof(sample)),
        };
        var meta = sample.Meta is { ValueKind: JsonValueKind.Object } m ? JsonNode.Parse(m.GetRawText())!.AsObject() : [];
        meta["flowId"] = sample.FlowId;
        var payload = new JsonObject { ["meta"] = meta };
        if (sample.Data is { } data)
        {
            payload["data"] = JsonNode.Parse(data.GetRawText());
        }

        return JsonSerializer.SerializeToElement(new JsonObject
        {
            ["headers"] = new JsonObject { ["name"] = name },
            ["payload"] = payload,
        });
    }
}
