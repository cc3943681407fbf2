using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.TestSupport.RabbitMq;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Dispatcher.Api.Tests.Messaging;

/// <summary>
/// One service instance on the real broker with this test's unique names, extra settings, a controllable flow
/// provisioner (<see cref="Flows"/>) and a recorder of its metrics; the three-app example is created on request.
/// </summary>
internal sealed class MessagingScenario : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private bool _serviceStopped;
    private bool _disposed;

    private MessagingScenario(TestBroker broker, DispatcherApiFactory factory, bool ownsBroker)
    {
        Broker = broker;
        Factory = factory;
        OwnsBroker = ownsBroker;
    }

    public TestBroker Broker { get; }

    public DispatcherApiFactory Factory { get; }

    private bool OwnsBroker { get; }

    /// <summary>The decorator around the real flow provisioner (inject outages and failures).</summary>
    public ControllableFlowProvisioner Flows => Factory.Services.GetRequiredService<ControllableFlowProvisioner>();

    /// <summary>Flow ids of the three-app example by "app.OPERATION" / "app.out" (after <see cref="CreateThreeAppExampleAsync"/>).</summary>
    public Dictionary<string, string> FlowIds { get; private set; } = [];

    public string ErrorQueue => $"{Broker.ServiceQueue}_error";

    public string RecordChangedQueue => $"{Broker.ServiceQueue}-record-changed";

    /// <summary>Starts the service (and its bus) with the broker's settings plus <paramref name="settings"/>.</summary>
    public static async Task<MessagingScenario> StartAsync(
        IDictionary<string, string?>? settings = null, TestBroker? broker = null, Action<IServiceCollection>? services = null)
    {
        var ownsBroker = broker is null;
        broker ??= new TestBroker();
        var all = new Dictionary<string, string?>(broker.Settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new DispatcherApiFactory(all, s =>
        {
            ControllableFlowProvisioner.Decorate(s);
            services?.Invoke(s);
        });
        var scenario = new MessagingScenario(broker, factory, ownsBroker);
        broker.Track(scenario.RecordChangedQueue);
        broker.Track($"{scenario.RecordChangedQueue}_error");
        broker.Track($"{scenario.RecordChangedQueue}_skipped");
        try
        {
            // Starting the host loads routing and starts the bus without waiting for it; healthy = every endpoint
            // consumes (including this instance's queue for configuration changes).
            var bus = factory.Services.GetRequiredService<IBusControl>();
            (await bus.WaitForHealthStatus(BusHealthStatus.Healthy, Wait)).Should().Be(BusHealthStatus.Healthy, "the service's bus starts");
            await broker.WaitForQueueAsync(broker.ServiceQueue, Wait);
            await broker.WaitForQueueAsync(scenario.RecordChangedQueue, Wait);
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }

        return scenario;
    }

    /// <summary>A client with a tenant token.</summary>
    public HttpClient Client(string tenant = "tenant-a") => Factory.ClientFor(tenant);

    /// <summary>A client with an operator token (permission <c>all</c>, no tenant).</summary>
    public HttpClient AdminClient()
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(
            tenant: null, extraClaims: new Dictionary<string, object> { ["permission"] = "all" }));
        return client;
    }

    public async Task<Dictionary<string, string>> CreateThreeAppExampleAsync()
    {
        using var client = Client();
        FlowIds = await EventBusDispatchTests.CreateThreeAppExampleAsync(client);
        return FlowIds;
    }

    /// <summary>The queue of a target flow of the example: <c>dispatch.&lt;flowId&gt;</c>.</summary>
    public string Queue(string key) => $"dispatch.{FlowIds[key]}";

    /// <summary>Every inbound flow queue of the example with its current message count.</summary>
    public async Task<Dictionary<string, uint>> InboundCountsAsync()
    {
        var counts = new Dictionary<string, uint>();
        foreach (var key in FlowIds.Keys.Where(k => !k.EndsWith(".out", StringComparison.Ordinal)))
        {
            counts[key] = await Broker.CountAsync(Queue(key));
        }

        return counts;
    }

    /// <summary>A <c>data-hub.record.*</c> payload from the example's source <paramref name="sourceKey"/> for record <paramref name="oihUid"/>.</summary>
    public string Payload(string sourceKey, string oihUid, string? extraMeta = null) =>
        $$$"""{"meta":{"domainId":"5d9b","schema":"person","recordUid":"r-{{{oihUid}}}","applicationUid":"x","flowId":"{{{FlowIds[sourceKey]}}}","oihUid":"{{{oihUid}}}"{{{extraMeta}}}},"data":{"n":"{{{oihUid}}}"}}""";

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopServiceAsync();
        if (OwnsBroker)
        {
            await Broker.DisposeAsync();
        }
    }

    /// <summary>Stops this instance only (its bus too); the broker and its queues stay.</summary>
    public async Task StopServiceAsync()
    {
        if (!_serviceStopped)
        {
            _serviceStopped = true;
            await Factory.DisposeAsync();
        }
    }
}

/// <summary>Reads what the tests need from broker messages.</summary>
internal static class BrokerMessages
{
    public static string Body(this BasicGetResult message) => Encoding.UTF8.GetString(message.Body.Span);

    public static JsonNode Json(this BasicGetResult message) => JsonNode.Parse(message.Body.Span)!;

    /// <summary>An AMQP header as text (MassTransit writes strings as bytes), or null.</summary>
    public static string? Header(this BasicGetResult message, string name) =>
        message.BasicProperties.Headers?.TryGetValue(name, out var value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
            : null;

    /// <summary>The <c>oihUid</c> of a dispatch.</summary>
    public static string OihUid(this BasicGetResult message) => message.Json()["payload"]!["meta"]!["oihUid"]!.GetValue<string>();
}

/// <summary>
/// Wraps the service's real <see cref="IFlowProvisioner"/>: <see cref="Fault"/> decides per call (operation, flow)
/// whether to throw instead. Counts calls and injected failures.
/// </summary>
internal sealed class ControllableFlowProvisioner(IFlowProvisioner inner) : IFlowProvisioner
{
    private int _failures;

    /// <summary>Returns the exception to throw for ("status" | "start", flow), or null to call the real provisioner.</summary>
    public Func<string, FlowId, Exception?> Fault { get; set; } = (_, _) => null;

    /// <summary>Injected failures so far.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Successful start calls per flow.</summary>
    public ConcurrentDictionary<FlowId, int> Starts { get; } = new();

    /// <summary>Replaces the registered <see cref="IFlowProvisioner"/> with this decorator around it.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var inner = services.Last(d => d.ServiceType == typeof(IFlowProvisioner));
        services.Remove(inner);
        services.AddSingleton(sp => new ControllableFlowProvisioner((IFlowProvisioner)(inner.ImplementationFactory?.Invoke(sp)
            ?? inner.ImplementationInstance
            ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!))));
        services.AddSingleton<IFlowProvisioner>(sp => sp.GetRequiredService<ControllableFlowProvisioner>());
    }

    /// <summary>An outage of the Flow Repository, as its adapter reports one.</summary>
    public static FlowRepositoryException Outage() =>
        new(FlowFailure.Unavailable, "The Flow Repository could not be reached (injected outage).");

    public Task<FlowId> CreateAsync(FlowDefinition definition, FlowCallContext context, CancellationToken cancellationToken) =>
        inner.CreateAsync(definition, context, cancellationToken);

    public Task<FlowStatus?> GetStatusAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        ThrowIfFaulted("status", flowId);
        return inner.GetStatusAsync(flowId, context, cancellationToken);
    }

    public async Task StartAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        ThrowIfFaulted("start", flowId);
        await inner.StartAsync(flowId, context, cancellationToken);
        Starts.AddOrUpdate(flowId, 1, (_, n) => n + 1);
    }

    public Task StopAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
        inner.StopAsync(flowId, context, cancellationToken);

    public Task DeleteAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
        inner.DeleteAsync(flowId, context, cancellationToken);

    public Task<FlowPage> ListAsync(string? page, int pageSize, CancellationToken cancellationToken) =>
        inner.ListAsync(page, pageSize, cancellationToken);

    private void ThrowIfFaulted(string operation, FlowId flowId)
    {
        if (Fault(operation, flowId) is { } exception)
        {
            Interlocked.Increment(ref _failures);
            throw exception;
        }
    }
}

/// <summary>Records the measurements of one service instance's <see cref="DispatcherMetrics"/> counters.</summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = new();

    public MetricsRecorder(DispatcherMetrics metrics)
    {
        Instrument[] mine = [metrics.EventsReceived, metrics.EventsRouted, metrics.EventsUnrouted, metrics.EventsFailed, metrics.DispatchesPublished,
            metrics.AnnouncementsPublished, metrics.AnnouncementsFailed];
        // Reference equality: other instances in the same process have meters of the same name.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (mine.Contains(instrument))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value;
            }

            _measurements.Enqueue((instrument.Name, value, dictionary));
        });
        _listener.Start();
    }

    public static MetricsRecorder For(MessagingScenario scenario) =>
        new(scenario.Factory.Services.GetRequiredService<DispatcherMetrics>());

    /// <summary>The sum of <paramref name="instrument"/>, optionally only where tag <paramref name="tag"/> has <paramref name="value"/>.</summary>
    public long Sum(string instrument, string? tag = null, string? value = null) =>
        _measurements
            .Where(m => m.Instrument == instrument && (tag is null || (m.Tags.TryGetValue(tag, out var v) && v?.ToString() == value)))
            .Sum(m => m.Value);

    /// <summary>Sums of <paramref name="instrument"/> grouped by the value of tag <paramref name="tag"/>.</summary>
    public Dictionary<string, long> ByTag(string instrument, string tag) =>
        _measurements
            .Where(m => m.Instrument == instrument)
            .GroupBy(m => m.Tags.TryGetValue(tag, out var v) ? v?.ToString() ?? "(null)" : "(none)")
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value));

    public void Dispose() => _listener.Dispose();
}
