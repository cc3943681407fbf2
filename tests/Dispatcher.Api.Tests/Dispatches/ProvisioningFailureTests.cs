using System.Net;
using System.Net.Http.Json;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static Dispatcher.Api.Tests.Support.Samples;

namespace Dispatcher.Api.Tests.Dispatches;

/// <summary>Provisioning is all or nothing: a failing flow creation leaves no flow and no configuration behind.</summary>
public sealed class ProvisioningFailureTests
{
    [TestCase(FlowFailure.Failed, HttpStatusCode.BadGateway)]
    [TestCase(FlowFailure.Unavailable, HttpStatusCode.ServiceUnavailable)]
    public async Task A_failure_on_the_third_flow_rolls_back_the_others_and_saves_nothing(FlowFailure failure, HttpStatusCode expected)
    {
        FailingProvisioner? failing = null;
        // One flow call at a time, so "the third create" is well defined.
        using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Provisioning:MaxParallelism"] = "1" }, services =>
        {
            var inner = services.Single(d => d.ServiceType == typeof(IFlowProvisioner));
            services.Remove(inner);
            services.AddSingleton<IFlowProvisioner>(sp =>
                failing = new FailingProvisioner((IFlowProvisioner)(inner.ImplementationFactory?.Invoke(sp)
                    ?? inner.ImplementationInstance
                    ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)), failOnCreate: 3, failure));
        });
        using var client = factory.ClientFor("tenant-a");

        using var response = await client.PostAsJsonAsync("/dispatches", Configuration("Doomed", App("a1", "A one"), App("a2", "A two")));

        var problem = await ErrorTests.AssertProblemAsync(response, expected);
        problem["detail"]!.GetValue<string>().Should().Contain("Could not create the flow for the inbound").And.Contain("Nothing was saved");
        (await (await client.GetAsync("/dispatches")).BodyAsync())["data"]!.AsArray().Should().BeEmpty();
        failing!.Created.Should().HaveCount(2);
        foreach (var flowId in failing.Created)
        {
            await Eventually.HoldsAsync(
                async () => await factory.Flows.GetStatusAsync(flowId, FlowCallContext.Service, default) is null,
                TimeSpan.FromSeconds(10),
                "rolled back by the flow work runner");
        }
    }

    private sealed class FailingProvisioner(IFlowProvisioner inner, int failOnCreate, FlowFailure failure) : IFlowProvisioner
    {
        private int _creates;

        public List<FlowId> Created { get; } = [];

        public async Task<FlowId> CreateAsync(FlowDefinition definition, FlowCallContext context, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _creates) == failOnCreate)
            {
                throw new FlowRepositoryException(failure, "Injected failure.");
            }

            var id = await inner.CreateAsync(definition, context, cancellationToken);
            lock (Created)
            {
                Created.Add(id);
            }

            return id;
        }

        public Task<FlowStatus?> GetStatusAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.GetStatusAsync(flowId, context, cancellationToken);

        public Task StartAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.StartAsync(flowId, context, cancellationToken);

        public Task StopAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.StopAsync(flowId, context, cancellationToken);

        public Task DeleteAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.DeleteAsync(flowId, context, cancellationToken);

        public Task<FlowPage> ListAsync(string? page, int pageSize, CancellationToken cancellationToken) =>
            inner.ListAsync(page, pageSize, cancellationToken);
    }
}
