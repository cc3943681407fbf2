
namespace Dispatcher.Infrastructure.Tests.FlowRepository;

/// <summary>
/// Runs every Flow Repository call once before the tests of this namespace: the first request of a test process JITs
/// the fake and the client pipeline, which on a loaded machine can take longer than the 0.4 s attempt timeout the
/// tests use — and a POST is never retried.
/// </summary>
[SetUpFixture]
public sealed class FlowRepositoryWarmUp
{
    [OneTimeSetUp]
    public async Task WarmUpAsync()
    {
        await using var host = await FlowRepositoryTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["FlowRepository:TimeoutSeconds"] = "30",
            ["FlowRepository:AttemptTimeoutSeconds"] = "20",
        });
        var flowId = await host.Provisioner.CreateAsync(FlowDefinitions.Outbound(), FlowRepositoryTestHost.Caller, default);
        await host.Provisioner.StartAsync(flowId, FlowRepositoryTestHost.Caller, default);
        await host.Provisioner.StopAsync(flowId, FlowRepositoryTestHost.Caller, default);
        host.Fake.CompleteTransitions();
        _ = await host.Provisioner.GetStatusAsync(flowId, FlowRepositoryTestHost.Caller, default);
        _ = await host.Provisioner.ListAsync(null, 10, default);
        await host.Provisioner.DeleteAsync(flowId, FlowRepositoryTestHost.Caller, default);
    }
}
