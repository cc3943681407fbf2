using System.Net.Http.Json;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Configurations.Reconciliation;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Reconciliation;
using Microsoft.Extensions.DependencyInjection;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Reconciliation;

/// <summary>The reconciler keeps stock of the flows: re-creates vanished ones, finishes pending removals, one instance at a time.</summary>
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
    public async Task A_pending_removal_is_finished_once_the_flow_can_be_deleted()
    {
        using var factory = new DispatcherApiFactory();
        var queue = factory.Services.GetRequiredService<IFlowCleanupQueue>();
        var flowId = await factory.Flows.CreateAsync(
            new FlowDefinition(ConfigurationId.New(), TenantId.Parse("tenant-a"), Domain.Tests.Builders.ThreeAppExample.Build().Apps[0],
                Domain.Tests.Builders.ThreeAppExample.Build().Apps[0].Outbound.Connections[0]),
            FlowCallContext.Service, default);
        await factory.Flows.StartAsync(flowId, FlowCallContext.Service, default);
        var now = DateTimeOffset.UtcNow;
        await queue.AddAsync([new PendingFlowCleanup(flowId, TenantId.Parse("tenant-a"), ConfigurationId.New(), now, 0, now, "still running")], default);

        var report = await ReconcileAsync(factory);

        report.CleanupsCompleted.Should().Be(1, "the reconciler stops the flow, waits for inactive, then deletes");
        (await factory.Flows.GetStatusAsync(flowId, FlowCallContext.Service, default)).Should().BeNull();
        (await queue.ListAsync(default)).Should().BeEmpty();
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
