using System.Net.Http.Json;
using Dispatcher.Api.Tests.Messaging;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.TestSupport;
using Dispatcher.TestSupport.RabbitMq;
using Microsoft.Extensions.DependencyInjection;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Reconciliation;

/// <summary>
/// A removal that cannot finish at once (the Flow Repository refuses the delete) is finished later by the flow work
/// runner — and then, as on the immediate path, the flow's <c>dispatch.&lt;flowId&gt;</c> queue on the real broker is
/// deleted and its activation state cleared (the path that leaked before issue #11).
/// </summary>
public sealed class DeferredRemovalTests
{
    [Test]
    public async Task A_deferred_removal_deletes_the_flow_its_queue_and_its_activation_state()
    {
        await using var broker = new TestBroker();
        var refusals = 2;
        FlowId? refused = null;
        var settings = new Dictionary<string, string?>(broker.Settings)
        {
            ["Provisioning:WorkRetryMinInterval"] = "00:00:00.200",
            ["FlowRegistry:Standalone:TransitionDelay"] = "00:00:00.050",
        };
        using var factory = new DispatcherApiFactory(settings, services =>
        {
            var inner = services.Last(d => d.ServiceType == typeof(IFlowProvisioner));
            services.Remove(inner);
            services.AddSingleton<IFlowProvisioner>(sp => new RefusingDeletes(
                (IFlowProvisioner)inner.ImplementationFactory!(sp), flowId => flowId == refused && Interlocked.Decrement(ref refusals) >= 0));
        });
        using var client = factory.ClientFor("tenant-a");
        using var created = await client.PostAsJsonAsync("/dispatches", Configuration("Deferred", App("a1", "A one"), App("a2", "A two")));
        created.EnsureSuccessStatusCode();
        var data = (await created.BodyAsync())["data"]!;
        var target = data["applications"]![1]!;
        var inboundFlow = FlowId.Parse(target["inbound"]!["flows"]![0]!.Text("flowId"));
        var queue = $"dispatch.{inboundFlow}";
        refused = inboundFlow;
        await broker.WaitForQueueAsync(queue, TimeSpan.FromSeconds(10)); // declared by the flow work of the create
        var activation = factory.Services.GetRequiredService<FlowActivation>();
        await activation.EnsureRunningAsync([inboundFlow], default); // as a first dispatch does
        activation.KnownRunning.Should().Contain(inboundFlow);

        using var removed = await client.DeleteAsync($"/dispatches/{data.Text("id")}/app/{target.Text("_id")}");

        removed.EnsureSuccessStatusCode();
        (await removed.BodyAsync())["meta"]!["pendingCleanup"]!.AsArray().Select(f => f!.GetValue<string>())
            .Should().Contain(inboundFlow.Value, "the Flow Repository refused the first deletes");
        await Eventually.HoldsAsync(
            async () => await factory.Flows.GetStatusAsync(inboundFlow, FlowCallContext.Service, default) is null,
            TimeSpan.FromSeconds(20),
            "the runner retries the removal until the flow is deleted");
        await Eventually.HoldsAsync(async () => !await broker.QueueExistsAsync(queue), TimeSpan.FromSeconds(10), "its queue is deleted");
        activation.KnownRunning.Should().NotContain(inboundFlow);
        // The runner completes the work entry only after the flow and its queue are gone (at-least-once), so the entry
        // can outlive them by a moment.
        await Eventually.HoldsAsync(
            async () => (await factory.Services.GetRequiredService<IFlowWorkQueue>().ListAsync(default)).Count == 0,
            TimeSpan.FromSeconds(10),
            "the finished removal leaves no pending work");
    }

    private sealed class RefusingDeletes(IFlowProvisioner inner, Func<FlowId, bool> refuse) : IFlowProvisioner
    {
        public Task<FlowId> CreateAsync(FlowDefinition definition, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.CreateAsync(definition, context, cancellationToken);

        public Task<FlowStatus?> GetStatusAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.GetStatusAsync(flowId, context, cancellationToken);

        public Task StartAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.StartAsync(flowId, context, cancellationToken);

        public Task StopAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.StopAsync(flowId, context, cancellationToken);

        public Task DeleteAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            refuse(flowId)
                ? Task.FromException(new FlowRepositoryException(FlowFailure.Unavailable, "The Flow Repository could not be reached (injected)."))
                : inner.DeleteAsync(flowId, context, cancellationToken);

        public Task<FlowPage> ListAsync(string? page, int pageSize, CancellationToken cancellationToken) =>
            inner.ListAsync(page, pageSize, cancellationToken);
    }
}
