using System.Text.Json;
using Dispatcher.Client;
using Dispatcher.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.Sync.Tests;

/// <summary>
/// The worker against the real dispatcher process on the real RabbitMQ (<c>DISPATCHER_RABBITMQ</c>): it creates its
/// configuration through Dispatcher.Client, publishes RecordChanged, and receives the RecordDispatched copies the
/// dispatcher publishes (<c>Messaging:PublishContracts=true</c>). Every broker name is unique to the run and removed
/// afterwards.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class CrmSyncDispatcherTests
{
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromSeconds(60);
    private readonly string _run = $"crm-sync-test-{Guid.NewGuid():N}"[..26];
    private string _directory = null!;
    private Broker _broker = null!;
    private DispatcherProcess? _dispatcher;
    private IHost? _worker;
    private CrmDispatchFlows _flows = null!;

    private string DispatcherQueue => $"{_run}-dispatcher";
    private string DispatcherExchange => $"{_run}-event-bus";
    private string WorkerQueue => $"{_run}-worker";

    [OneTimeSetUp]
    public async Task StartDispatcherAndWorker()
    {
        _directory = Path.Combine(Path.GetTempPath(), _run);
        _broker = await Broker.ConnectAsync();
        _dispatcher = await DispatcherProcess.StartAsync(_directory, Broker.Url, DispatcherExchange, DispatcherQueue, TimeSpan.FromMinutes(2));
        TestContext.Progress.WriteLine($"dispatcher on {_dispatcher.BaseAddress}, log {_dispatcher.LogPath}");
        // The dispatcher's RecordChanged endpoint is bound and consuming before the worker publishes.
        await _broker.WaitForConsumerAsync($"{DispatcherQueue}-record-changed", TimeSpan.FromMinutes(1));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Test",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CrmSync:DispatcherUrl"] = _dispatcher.BaseAddress.ToString(),
            ["CrmSync:DispatcherToken"] = TestJwt.Create("crm-team"),
            ["CrmSync:RabbitMqUrl"] = Broker.Url,
            ["CrmSync:Queue"] = WorkerQueue,
            ["CrmSync:ConfigurationName"] = $"CRM contacts ({_run})",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddCrmSync(builder.Configuration);
        _worker = builder.Build();
        await _worker.StartAsync();
        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        _flows = await _worker.Services.GetRequiredService<DispatchFlowsState>().WhenReady(setup.Token);
    }

    [OneTimeTearDown]
    public async Task StopAndCleanUp()
    {
        var flowQueues = new List<string>();
        if (_worker is not null)
        {
            if (_flows is not null)
            {
                flowQueues.AddRange(_flows.Targets.Keys.Select(flow => $"dispatch.{flow}"));
                try
                {
                    // The worker's configuration goes; the dispatcher removes its flows and their queues.
                    await _worker.Services.GetRequiredService<IDispatcherClient>().DeleteAsync(_flows.ConfigurationId);
                }
                catch (Exception e) when (e is HttpRequestException or DispatcherApiException)
                {
                    TestContext.Progress.WriteLine($"could not delete the configuration: {e.Message}");
                }
            }

            await _worker.StopAsync();
            _worker.Dispose();
        }

        if (_dispatcher is not null)
        {
            await _dispatcher.DisposeAsync();
        }

        // Whatever the processes left on the shared broker: a queue bound to the contract exchanges and left without a
        // consumer would collect every later message.
        string[] queues = [WorkerQueue, DispatcherQueue, $"{DispatcherQueue}-record-changed"];
        await _broker.DeleteAsync(
            [.. queues.SelectMany(q => new[] { q, $"{q}_error", $"{q}_skipped" }), .. flowQueues],
            [.. queues.SelectMany(q => new[] { q, $"{q}_error", $"{q}_skipped" }), DispatcherExchange]);
        await _broker.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder.
        }
    }

    [Test]
    public void The_worker_created_its_configuration_through_the_client()
    {
        Assert.That(_flows.SourceFlowId, Is.Not.Empty);
        Assert.That(_flows.Targets.Values, Is.EquivalentTo(CrmDispatchPlan.Partners
            .SelectMany(p => p.Operations.Select(o => new DispatchTarget(p.ApplicationUid, o)))));
    }

    [Test]
    public async Task The_dispatcher_routes_the_workers_RecordChanged_to_the_partner_flows()
    {
        // The dispatcher's own deliveries (event-bus format, dispatch.<flowId> queues): this proves the RecordChanged
        // reached it and was routed, independently of the RecordDispatched contract.
        var contact = $"c-{Guid.NewGuid():N}";
        await Publisher.PublishAsync(new CrmContactChange(contact, RecordOperation.Create, new { firstName = "Ada" },
            new Dictionary<string, string> { [CrmDispatchPlan.ErpUid] = "E-7" }));
        var erp = $"dispatch.{Flow(CrmDispatchPlan.ErpUid, RecordOperation.Create)}";
        var newsletter = $"dispatch.{Flow(CrmDispatchPlan.NewsletterUid, RecordOperation.Create)}";

        var received = new Dictionary<string, List<string>> { [erp] = [], [newsletter] = [] };
        var deadline = DateTime.UtcNow + CopyTimeout;
        while (received.Values.Any(bodies => !bodies.Any(b => b.Contains(contact, StringComparison.Ordinal))) && DateTime.UtcNow < deadline)
        {
            foreach (var queue in received.Keys)
            {
                received[queue].AddRange(await _broker.DrainAsync(queue));
            }

            await Task.Delay(200);
        }

        Assert.That(received[erp].Where(b => b.Contains(contact, StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(1)
            .And.All.Contains("\"E-7\""), $"ERP's create flow; dispatcher log:\n{_dispatcher!.LogTail()}");
        Assert.That(received[newsletter].Where(b => b.Contains(contact, StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(1),
            "the newsletter's create flow");
    }

    [Test]
    public async Task The_worker_receives_its_RecordDispatched_copies()
    {
        var contact = $"c-{Guid.NewGuid():N}";
        var created = await Publisher.PublishAsync(new CrmContactChange(contact, RecordOperation.Create, new { firstName = "Jane" },
            new Dictionary<string, string> { [CrmDispatchPlan.ErpUid] = "E-1" }));
        var copies = await CopiesOf(contact, count: 2);

        Assert.That(copies.Select(c => (c.ApplicationUid, c.TargetFlowId, c.Operation, c.RecordUid)), Is.EquivalentTo(new[]
        {
            (CrmDispatchPlan.ErpUid, Flow(CrmDispatchPlan.ErpUid, RecordOperation.Create), RecordOperation.Create, (string?)"E-1"),
            (CrmDispatchPlan.NewsletterUid, Flow(CrmDispatchPlan.NewsletterUid, RecordOperation.Create), RecordOperation.Create, (string?)null),
        }), DispatcherHint());
        Assert.That(copies.Select(c => c.Data.GetProperty("firstName").GetString()), Is.All.EqualTo("Jane"));
        Assert.That(copies.Select(c => c.Meta["flowId"].GetString()), Is.All.EqualTo(created.FlowId));
        Assert.That(copies.Select(c => c.Meta["applicationUid"].GetString()), Is.EquivalentTo(copies.Select(c => c.ApplicationUid)));

        // An update goes to the ERP only: the newsletter has no UPDATE connection.
        await Publisher.PublishAsync(new CrmContactChange(contact, RecordOperation.Update, new { firstName = "Janet" },
            new Dictionary<string, string> { [CrmDispatchPlan.ErpUid] = "E-1" }));
        var all = await CopiesOf(contact, count: 3);
        var update = all.Where(c => c.Operation == RecordOperation.Update).ToList();
        Assert.That(update.Select(c => (c.ApplicationUid, c.TargetFlowId, c.RecordUid)), Is.EqualTo(new[]
        {
            (CrmDispatchPlan.ErpUid, Flow(CrmDispatchPlan.ErpUid, RecordOperation.Update), (string?)"E-1"),
        }), DispatcherHint());
        Assert.That(update[0].Data.GetProperty("firstName").GetString(), Is.EqualTo("Janet"));

        // Nothing more arrives for this contact (no copy twice, none for a flow without the operation).
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.That(Inbox.Deliveries.Count(c => OfContact(c, contact)), Is.EqualTo(3));
    }

    private CrmChangePublisher Publisher => _worker!.Services.GetRequiredService<CrmChangePublisher>();

    private PartnerInbox Inbox => _worker!.Services.GetRequiredService<PartnerInbox>();

    private string Flow(string applicationUid, RecordOperation operation) =>
        _flows.Targets.Single(t => t.Value == new DispatchTarget(applicationUid, operation)).Key;

    private static bool OfContact(PartnerDelivery delivery, string contact) =>
        delivery.Meta.TryGetValue("oihUid", out var uid) && uid.ValueKind == JsonValueKind.String && uid.GetString() == contact;

    private async Task<IReadOnlyList<PartnerDelivery>> CopiesOf(string contact, int count)
    {
        var deliveries = await Inbox.WaitAsync(d => d.Count(c => OfContact(c, contact)) >= count, CopyTimeout);
        var copies = deliveries.Where(c => OfContact(c, contact)).ToList();
        Assert.That(copies, Has.Count.GreaterThanOrEqualTo(count),
            $"{copies.Count} of {count} RecordDispatched copies within {CopyTimeout.TotalSeconds} s. {DispatcherHint()}");
        return copies;
    }

    private string DispatcherHint() =>
        $"The dispatcher publishes RecordDispatched only with Messaging:PublishContracts=true (set here). Dispatcher log ({_dispatcher!.LogPath}):\n{_dispatcher.LogTail()}";
}
