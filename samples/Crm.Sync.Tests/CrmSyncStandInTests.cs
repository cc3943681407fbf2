using Dispatcher.Contracts;
using Dispatcher.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Sync.Tests;

/// <summary>
/// The worker's logic on MassTransit's test harness with Dispatcher.Testing's stand-in for the dispatcher: the worker
/// publishes RecordChanged, the stand-in answers with the RecordDispatched copies the dispatcher's real routing policy
/// produces, and the worker delivers them to the partners. No broker, no dispatcher.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class CrmSyncStandInTests
{
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    [SetUp]
    public async Task StartHarness()
    {
        _provider = new ServiceCollection()
            .AddLogging()
            .AddCrmSyncServices(new ConfigurationBuilder().Build())
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddDispatcherStandIn(CrmPlan.Build());
                bus.AddCrmSyncConsumers();
            })
            .BuildServiceProvider(validateScopes: true);
        _provider.GetRequiredService<DispatchFlowsState>().Set(CrmPlan.Flows());
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    [TearDown]
    public async Task StopHarness()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Test]
    public async Task A_new_contact_goes_to_the_erp_with_its_erp_id_and_to_the_newsletter()
    {
        var sent = await Publish(new CrmContactChange("c-1", RecordOperation.Create, new { firstName = "Jane" },
            new Dictionary<string, string> { [CrmDispatchPlan.ErpUid] = "E-1" }));

        var deliveries = await Inbox.WaitAsync(d => d.Count >= 2, TimeSpan.FromSeconds(10));

        Assert.That(deliveries.Select(d => (d.ApplicationUid, d.TargetFlowId, d.Operation, d.RecordUid)), Is.EquivalentTo(new[]
        {
            (CrmDispatchPlan.ErpUid, CrmPlan.TargetFlow(CrmDispatchPlan.ErpUid, RecordOperation.Create), RecordOperation.Create, (string?)"E-1"),
            (CrmDispatchPlan.NewsletterUid, CrmPlan.TargetFlow(CrmDispatchPlan.NewsletterUid, RecordOperation.Create), RecordOperation.Create, (string?)null),
        }));
        Assert.That(deliveries.Select(d => d.Data.GetProperty("firstName").GetString()), Is.All.EqualTo("Jane"));
        Assert.That(deliveries.Select(d => d.Meta["flowId"].GetString()), Is.All.EqualTo(CrmPlan.SourceFlow));
        // What the stand-in delivered is what the dispatcher's routing policy predicts for that message.
        var predicted = new DispatcherStandIn([CrmPlan.Build()]).Dispatch(sent);
        Assert.That(deliveries.Select(d => d.TargetFlowId), Is.EquivalentTo(predicted.Select(p => p.TargetFlowId)));
    }

    [Test]
    public async Task A_changed_contact_goes_to_the_erp_only()
    {
        await Publish(new CrmContactChange("c-2", RecordOperation.Update, new { firstName = "Janet" },
            new Dictionary<string, string> { [CrmDispatchPlan.ErpUid] = "E-2", [CrmDispatchPlan.NewsletterUid] = "N-2" }));

        // The stand-in publishes all copies of an event before its consume of the RecordChanged completes.
        Assert.That(await _harness.Consumed.Any<RecordChanged>(), Is.True);
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        Assert.That(_harness.Published.Select<RecordDispatched>(now.Token).Count(), Is.EqualTo(1));
        var deliveries = await Inbox.WaitAsync(d => d.Count >= 1, TimeSpan.FromSeconds(10));
        Assert.That(deliveries, Has.Count.EqualTo(1));
        Assert.That(deliveries[0].ApplicationUid, Is.EqualTo(CrmDispatchPlan.ErpUid));
        Assert.That(deliveries[0].RecordUid, Is.EqualTo("E-2"));
        Assert.That(deliveries[0].TargetFlowId, Is.EqualTo(CrmPlan.TargetFlow(CrmDispatchPlan.ErpUid, RecordOperation.Update)));
    }

    [Test]
    public async Task Copies_for_other_configurations_are_not_delivered()
    {
        await _harness.Bus.Publish(new RecordDispatched
        {
            TargetFlowId = "someone-elses-flow",
            ApplicationUid = CrmDispatchPlan.ErpUid,
            Operation = RecordOperation.Create,
        });

        Assert.That(await _harness.Consumed.Any<RecordDispatched>(m => m.Context.Message.TargetFlowId == "someone-elses-flow"), Is.True);
        Assert.That(await _harness.Consumed.Any<RecordDispatched>(m => m.Exception is not null), Is.False);
        Assert.That(Inbox.Deliveries, Is.Empty);
    }

    private PartnerInbox Inbox => _provider.GetRequiredService<PartnerInbox>();

    private Task<RecordChanged> Publish(CrmContactChange change) => _provider.GetRequiredService<CrmChangePublisher>().PublishAsync(change);
}
