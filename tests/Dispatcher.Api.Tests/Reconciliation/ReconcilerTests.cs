using System.Net.Http.Json;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Configurations.Reconciliation;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Reconciliation;
using Microsoft.Extensions.DependencyInjection;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Reconciliation;

/// <summary>The reconciler keeps stock of the flows: re-creates vanished ones, finds orphans, one instance at a time; the runner finishes removals.</summary>
public sealed class ReconcilerTests
{
    [Test]
    public async Task A_flow_deleted_behind_the_services_back_is_recreated_and_the_configuration_points_to_it()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        using var created = await client.PostAsJsonAsync("/dispatches", Configuration("Stock", App("a1", "A one"), App("a2", "A two")));
        var data = (await created.BodyAsync())["data"]!;
        var id = data.Text("id");
        var vanished = FlowId.Parse(FlowIds(data)[3]!); // a2's outbound flow
        await factory.Flows.StopAsync(vanished, FlowCallContext.Service, default);
        await WaitUntilAsync(async () => await factory.Flows.GetStatusAsync(vanished, FlowCallContext.Service, default) == FlowStatus.Inactive);
        await factory.Flows.DeleteAsync(vanished, FlowCallContext.Service, default);

        var report = await ReconcileAsync(factory);

        report.FlowsRecreated.Should().Be(1);
        var after = FlowIds((await (await client.GetAsync($"/dispatches/{id}")).BodyAsync())["data"]!);
        after.Should().HaveCount(6).And.OnlyContain(f => f != null);
        after[3].Should().NotBe(vanished.Value);
        (await factory.Flows.GetStatusAsync(FlowId.Parse(after[3]!), FlowCallContext.Service, default)).Should().NotBeNull();
        after.Where((_, i) => i != 3).Should().Equal(FlowIds(data).Where((_, i) => i != 3), "the other flows are untouched");
        (await ReconcileAsync(factory)).FlowsRecreated.Should().Be(0, "a second round has nothing to do");
    }

    [Test]
    public async Task A_pending_removal_is_finished_by_the_flow_work_runner_once_the_flow_can_be_deleted()
    {
        using var factory = new DispatcherApiFactory();
        var queue = factory.Services.GetRequiredService<IFlowWorkQueue>();
        var flowId = await CreateUnownedFlowAsync(factory);
        await factory.Flows.StartAsync(flowId, FlowCallContext.Service, default);

        await queue.EnqueueAsync([new FlowWork(flowId, FlowWorkKind.Remove, TenantId.Parse("tenant-a"), ConfigurationId.New(), DateTimeOffset.UtcNow)], default);

        // The runner stops the running flow, looks again until it is inactive, then deletes it.
        await WaitUntilAsync(async () => await factory.Flows.GetStatusAsync(flowId, FlowCallContext.Service, default) is null);
        await WaitUntilAsync(async () => (await queue.ListAsync(default)).Count == 0);
    }

    [Test]
    public async Task A_flow_created_for_a_write_that_never_committed_is_found_and_removed_after_the_grace_period()
    {
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Reconciler:OrphanGracePeriod"] = "00:00:00" });
        var orphan = await CreateUnownedFlowAsync(factory);
        await factory.Flows.StartAsync(orphan, FlowCallContext.Service, default);

        var report = await ReconcileAsync(factory);

        report.OrphansQueued.Should().Be(1);
        await WaitUntilAsync(async () => await factory.Flows.GetStatusAsync(orphan, FlowCallContext.Service, default) is null);
        (await ReconcileAsync(factory)).OrphansQueued.Should().Be(0, "a second round has nothing to do");
    }

    [Test]
    public async Task A_young_orphan_and_the_flows_of_stored_configurations_are_left_alone()
    {
        using var factory = new DispatcherApiFactory();
        using var client = factory.ClientFor("tenant-a");
        using var created = await client.PostAsJsonAsync("/dispatches", Configuration("Stock", App("a1", "A one"), App("a2", "A two")));
        created.EnsureSuccessStatusCode();
        var young = await CreateUnownedFlowAsync(factory);

        var report = await ReconcileAsync(factory);

        report.OrphansQueued.Should().Be(0, "the default grace period is 10 minutes");
        report.FlowsListed.Should().Be(7);
        report.FlowCalls.Should().Be(1, "one page lists every flow; no status call is needed");
        (await factory.Flows.GetStatusAsync(young, FlowCallContext.Service, default)).Should().NotBeNull();
    }

    [Test]
    public async Task Only_one_instance_holds_the_reconciler_lease()
    {
        using var factory = new DispatcherApiFactory();
        var leases = factory.Services.GetRequiredService<ILeaseStore>();

        var first = await leases.TryAcquireAsync(FlowReconcilerService.LeaseName, "instance-1", TimeSpan.FromMinutes(1), default);
        var second = await leases.TryAcquireAsync(FlowReconcilerService.LeaseName, "instance-2", TimeSpan.FromMinutes(1), default);

        first.Should().BeTrue();
        second.Should().BeFalse();
    }

    [Test]
    public async Task The_background_service_reconciles_at_start_when_enabled()
    {
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?>
        {
            ["Reconciler:Enabled"] = "true",
            ["Reconciler:Interval"] = "00:00:00.200",
        });
        var service = factory.Services.GetRequiredService<FlowReconcilerService>();

        await WaitUntilAsync(() => Task.FromResult(service.Rounds >= 2));

        service.LastReport.Should().NotBeNull();
        service.LastReport!.Errors.Should().Be(0);
    }

    /// <summary>A flow created for a connection of a configuration that was never stored.</summary>
    private static Task<FlowId> CreateUnownedFlowAsync(DispatcherApiFactory factory)
    {
        var app = Dispatcher.Testing.ThreeAppExample.Build().Apps[0];
        return factory.Flows.CreateAsync(
            new FlowDefinition(ConfigurationId.New(), TenantId.Parse("tenant-a"), app, app.Outbound.Connections[0]),
            FlowCallContext.Service,
            default);
    }

    private static async Task<ReconcileReport> ReconcileAsync(DispatcherApiFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FlowReconciler>().ReconcileAsync(default);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should hold within 10 s");
            await Task.Delay(50);
        }
    }
}
