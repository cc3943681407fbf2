using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Dispatcher.Application.Tests.Dispatching;

public sealed class FlowActivationTests
{
    private static readonly FlowId Flow = FlowId.Parse("65f0c1aa0000000000000001");
    private FakeTimeProvider _time = null!;
    private Mock<IFlowProvisioner> _flows = null!;
    private FlowStatus? _status;
    private int _statusCalls;
    private TaskCompletionSource? _gate;
    private ServiceProvider? _services;

    [TearDown]
    public async Task TearDown()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T12:00:00Z"));
        _status = FlowStatus.Inactive;
        _statusCalls = 0;
        _gate = null;
        _flows = new Mock<IFlowProvisioner>();
        _flows.Setup(f => f.GetStatusAsync(Flow, It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                Interlocked.Increment(ref _statusCalls);
                if (_gate is { } gate)
                {
                    await gate.Task;
                }

                return _status;
            });
        _flows.Setup(f => f.StartAsync(Flow, It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                _status = FlowStatus.Starting;
                return Task.CompletedTask;
            });
    }

    [Test]
    public async Task An_inactive_flow_is_started_once_even_when_a_burst_of_events_targets_it()
    {
        var activation = Create();
        _gate = new TaskCompletionSource();

        var burst = Enumerable.Range(0, 50).Select(_ => activation.EnsureRunningAsync([Flow], default)).ToList();
        _gate.SetResult();
        await Task.WhenAll(burst);

        _flows.Verify(f => f.StartAsync(Flow, FlowCallContext.Service, It.IsAny<CancellationToken>()), Times.Once);
        _statusCalls.Should().Be(1, "concurrent checks of one flow share one call");
        activation.Starts.Should().Be(1);
    }

    [Test]
    public async Task A_known_running_flow_is_not_asked_again_until_the_cache_expires()
    {
        var activation = Create(ttl: TimeSpan.FromSeconds(10));
        _status = FlowStatus.Active;

        await activation.EnsureRunningAsync([Flow], default);
        await activation.EnsureRunningAsync([Flow], default);
        _time.Advance(TimeSpan.FromSeconds(11));
        await activation.EnsureRunningAsync([Flow], default);

        _statusCalls.Should().Be(2);
        _flows.Verify(f => f.StartAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task A_stopping_flow_is_started_again()
    {
        var activation = Create();
        _status = FlowStatus.Stopping;

        await activation.EnsureRunningAsync([Flow], default);

        _flows.Verify(f => f.StartAsync(Flow, FlowCallContext.Service, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_failing_flow_repository_fails_the_call_and_caches_nothing()
    {
        var activation = Create();
        var down = true;
        _flows.Setup(f => f.GetStatusAsync(Flow, It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                Interlocked.Increment(ref _statusCalls);
                return down
                    ? Task.FromException<FlowStatus?>(new FlowRepositoryException(FlowFailure.Unavailable, "down"))
                    : Task.FromResult<FlowStatus?>(FlowStatus.Active);
            });
        var ensure = () => activation.EnsureRunningAsync([Flow], default);

        (await ensure.Should().ThrowAsync<FlowRepositoryException>()).Which.Message.Should().Contain($"target flow {Flow}");
        activation.KnownRunning.Should().BeEmpty("a failed check says nothing about the flow");

        await ensure.Should().ThrowAsync<FlowRepositoryException>();
        _statusCalls.Should().Be(2, "the next event asks the repository again: neither the failure nor the failed check is kept");

        down = false;
        await ensure();
        _statusCalls.Should().Be(3, "once the repository is back, the next event reaches it and succeeds");
        activation.KnownRunning.Should().Equal(Flow);

        await ensure();
        _statusCalls.Should().Be(3, "a successful check is cached, so the repeated calls above were not for want of a cache");
        _flows.Verify(f => f.StartAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task A_missing_flow_is_not_started_and_not_cached()
    {
        var activation = Create();
        _status = null;

        await activation.EnsureRunningAsync([Flow], default);
        await activation.EnsureRunningAsync([Flow], default);

        _statusCalls.Should().Be(2, "a vanished flow is looked at again by the next event");
        _flows.Verify(f => f.StartAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()), Times.Never);
        activation.Starts.Should().Be(0);
    }

    [Test]
    public async Task Each_check_resolves_the_provisioner_in_its_own_scope_and_disposes_it()
    {
        var resolved = new List<ScopedProvisioner>();
        var services = new ServiceCollection();
        services.AddScoped<IFlowProvisioner>(_ =>
        {
            var provisioner = new ScopedProvisioner(_flows.Object);
            resolved.Add(provisioner);
            return provisioner;
        });
        _services = services.BuildServiceProvider(validateScopes: true);
        var activation = new FlowActivation(
            _services.GetRequiredService<IServiceScopeFactory>(), _time, Options.Create(new DispatchOptions()), NullLogger<FlowActivation>.Instance);
        _status = FlowStatus.Active;

        await activation.EnsureRunningAsync([Flow], default);
        activation.Forget(Flow);
        await activation.EnsureRunningAsync([Flow], default);

        resolved.Should().HaveCount(2).And.OnlyContain(p => p.Disposed);
        _statusCalls.Should().Be(2);
    }

    [Test]
    public async Task Forgetting_a_flow_makes_the_next_event_check_it_again()
    {
        var activation = Create();
        _status = FlowStatus.Active;
        await activation.EnsureRunningAsync([Flow], default);

        activation.Forget(Flow);
        await activation.EnsureRunningAsync([Flow], default);

        _statusCalls.Should().Be(2);
    }

    /// <summary>
    /// The activation as the host wires it: a singleton that resolves the (scoped or transient) provisioner per check.
    /// </summary>
    private FlowActivation Create(TimeSpan? ttl = null)
    {
        var services = new ServiceCollection();
        services.AddScoped(_ => _flows.Object);
        _services = services.BuildServiceProvider(validateScopes: true);
        return new FlowActivation(
            _services.GetRequiredService<IServiceScopeFactory>(),
            _time,
            Options.Create(new DispatchOptions { FlowStatusCacheTtl = ttl ?? TimeSpan.FromSeconds(10) }),
            NullLogger<FlowActivation>.Instance);
    }

    /// <summary>A provisioner that lives in a scope (as the HTTP adapter does) and knows when it was disposed.</summary>
    private sealed class ScopedProvisioner(IFlowProvisioner inner) : IFlowProvisioner, IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;

        public Task<FlowId> CreateAsync(FlowDefinition definition, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.CreateAsync(definition, context, cancellationToken);

        public Task<FlowStatus?> GetStatusAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            Disposed ? throw new ObjectDisposedException(nameof(ScopedProvisioner)) : inner.GetStatusAsync(flowId, context, cancellationToken);

        public Task StartAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            Disposed ? throw new ObjectDisposedException(nameof(ScopedProvisioner)) : inner.StartAsync(flowId, context, cancellationToken);

        public Task StopAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.StopAsync(flowId, context, cancellationToken);

        public Task DeleteAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken) =>
            inner.DeleteAsync(flowId, context, cancellationToken);

        public Task<FlowPage> ListAsync(string? page, int pageSize, CancellationToken cancellationToken) =>
            inner.ListAsync(page, pageSize, cancellationToken);
    }
}
