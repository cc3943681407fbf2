using System.Collections.Concurrent;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Api.Tests.Reconciliation;

/// <summary>How an injected fault behaves.</summary>
public enum FaultKind
{
    /// <summary>The one call throws; the process goes on.</summary>
    Exception,

    /// <summary>The process dies at that call: it and every later call of any port fail, and the host is thrown away.</summary>
    Crash,
}

/// <summary>
/// Counts the effectful steps of the service — every Flow Repository call, every configuration write, every flow work
/// store operation (claims only when they return work) — and fails the one chosen. Shared by the decorators of one
/// test; steps are counted only while <see cref="Armed"/>.
/// </summary>
public sealed class FaultPlan
{
    private int _steps;
    private int _failAt = int.MaxValue;
    private volatile bool _dead;

    /// <summary>Whether steps are counted (the operation under test is running).</summary>
    public volatile bool Armed;

    /// <summary>What the fault does.</summary>
    public FaultKind Kind { get; private set; }

    /// <summary>Steps counted since armed.</summary>
    public int Steps => Volatile.Read(ref _steps);

    /// <summary>Whether the fault has happened.</summary>
    public bool Fired { get; private set; }

    /// <summary>What each counted step was, in order (for failure messages).</summary>
    public ConcurrentQueue<string> Trace { get; } = new();

    /// <summary>Fails step <paramref name="step"/> (1-based) the <paramref name="kind"/> way.</summary>
    public void FailAt(int step, FaultKind kind)
    {
        _failAt = step;
        Kind = kind;
    }

    /// <summary>Called by the decorators before each step.</summary>
    public void Step(string what)
    {
        if (_dead)
        {
            throw new InjectedFaultException($"the process died before {what}");
        }

        if (!Armed)
        {
            return;
        }

        var step = Interlocked.Increment(ref _steps);
        Trace.Enqueue($"{step}: {what}");
        if (step != _failAt)
        {
            return;
        }

        Fired = true;
        if (Kind == FaultKind.Crash)
        {
            _dead = true;
        }

        throw new InjectedFaultException($"injected fault at step {step} ({what})");
    }

    /// <summary>Called by the dispatch destination decorator: a dead process declares and deletes nothing.</summary>
    public void Alive()
    {
        if (_dead)
        {
            throw new InjectedFaultException("the process died");
        }
    }
}

/// <summary>A failure the test injected.</summary>
public sealed class InjectedFaultException(string message) : Exception(message);

/// <summary>
/// The dispatch destinations that exist, as a broker would keep them across restarts of the service.
/// </summary>
public sealed class DestinationLedger
{
    /// <summary>Destinations declared and not deleted.</summary>
    public ConcurrentDictionary<FlowId, bool> Declared { get; } = new();
}

/// <summary>Registers the fault-injecting decorators on a service collection.</summary>
public static class FaultInjection
{
    /// <summary>Wraps the flow provisioner, the configuration repository, the flow work queue and the destinations.</summary>
    public static void Decorate(IServiceCollection services, FaultPlan plan, DestinationLedger ledger)
    {
        Replace<IFlowProvisioner>(services, inner => new FaultyFlowProvisioner(inner, plan));
        Replace<IConfigurationRepository>(services, inner => new FaultyConfigurationRepository(inner, plan));
        Replace<IFlowWorkQueue>(services, inner => new FaultyFlowWorkQueue(inner, plan));
        Replace<IDispatchDestinations>(services, inner => new RecordingDestinations(inner, plan, ledger));
    }

    private static void Replace<T>(IServiceCollection services, Func<T, T> decorate)
        where T : class
    {
        var inner = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(inner);
        services.Add(new ServiceDescriptor(typeof(T), sp => decorate((T)Create(sp, inner)), inner.Lifetime));
    }

    private static object Create(IServiceProvider provider, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(provider)
        ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!);

    private sealed class FaultyFlowProvisioner(IFlowProvisioner inner, FaultPlan plan) : IFlowProvisioner
    {
        public Task<FlowId> CreateAsync(FlowDefinition definition, FlowCallContext context, CancellationToken cancellationToken)
        {
            plan.Step("create flow");
            return inner.CreateAsync(definition, context, cancellationToken);
        }

        public Task<FlowStatus?> GetStatusAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
        {
            plan.Step($"status {flowId}");
            return inner.GetStatusAsync(flowId, context, cancellationToken);
        }

        public Task StartAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
        {
            plan.Step($"start {flowId}");
            return inner.StartAsync(flowId, context, cancellationToken);
        }

        public Task StopAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
        {
            plan.Step($"stop {flowId}");
            return inner.StopAsync(flowId, context, cancellationToken);
        }

        public Task DeleteAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
        {
            plan.Step($"delete {flowId}");
            return inner.DeleteAsync(flowId, context, cancellationToken);
        }

        public Task<FlowPage> ListAsync(string? page, int pageSize, CancellationToken cancellationToken)
        {
            plan.Step("list flows");
            return inner.ListAsync(page, pageSize, cancellationToken);
        }
    }

    private sealed class FaultyConfigurationRepository(IConfigurationRepository inner, FaultPlan plan) : IConfigurationRepository
    {
        public Task<Configuration?> GetAsync(TenantId tenant, ConfigurationId id, CancellationToken cancellationToken) =>
            inner.GetAsync(tenant, id, cancellationToken);

        public Task<IReadOnlyList<Configuration>> ListAsync(TenantId tenant, CancellationToken cancellationToken) =>
            inner.ListAsync(tenant, cancellationToken);

        public Task AddAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
        {
            plan.Step("add configuration");
            return inner.AddAsync(configuration, work, cancellationToken);
        }

        public Task UpdateAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
        {
            plan.Step("update configuration");
            return inner.UpdateAsync(configuration, work, cancellationToken);
        }

        public Task DeleteAsync(Configuration configuration, IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
        {
            plan.Step("delete configuration");
            return inner.DeleteAsync(configuration, work, cancellationToken);
        }

        public Task<Configuration?> FindBySourceFlowAsync(FlowId flowId, CancellationToken cancellationToken) =>
            inner.FindBySourceFlowAsync(flowId, cancellationToken);

        public IAsyncEnumerable<Configuration> StreamAllAsync(CancellationToken cancellationToken) =>
            inner.StreamAllAsync(cancellationToken);
    }

    private sealed class FaultyFlowWorkQueue(IFlowWorkQueue inner, FaultPlan plan) : IFlowWorkQueue
    {
        public Task EnqueueAsync(IReadOnlyCollection<FlowWork> work, CancellationToken cancellationToken)
        {
            plan.Step("enqueue flow work");
            return inner.EnqueueAsync(work, cancellationToken);
        }

        public async Task<IReadOnlyList<PendingFlowWork>> ClaimDueAsync(
            DateTimeOffset now, int max, TimeSpan claimFor, CancellationToken cancellationToken)
        {
            plan.Alive();
            var claimed = await inner.ClaimDueAsync(now, max, claimFor, cancellationToken);
            if (claimed.Count > 0)
            {
                // Counted once claimed: a fault here loses the claim, as a crash right after it would.
                plan.Step("claim flow work");
            }

            return claimed;
        }

        public Task<IReadOnlyList<PendingFlowWork>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task CompleteAsync(PendingFlowWork entry, CancellationToken cancellationToken)
        {
            plan.Step($"complete {entry.Work.Kind} {entry.Work.FlowId}");
            return inner.CompleteAsync(entry, cancellationToken);
        }

        public Task RescheduleAsync(PendingFlowWork entry, DateTimeOffset nextAttemptAt, string? error, bool failed, CancellationToken cancellationToken)
        {
            plan.Step($"reschedule {entry.Work.Kind} {entry.Work.FlowId}");
            return inner.RescheduleAsync(entry, nextAttemptAt, error, failed, cancellationToken);
        }
    }

    private sealed class RecordingDestinations(IDispatchDestinations inner, FaultPlan plan, DestinationLedger ledger) : IDispatchDestinations
    {
        public async Task EnsureAsync(FlowId flowId, CancellationToken cancellationToken)
        {
            plan.Step($"declare destination {flowId}");
            await inner.EnsureAsync(flowId, cancellationToken);
            ledger.Declared[flowId] = true;
        }

        public Task PublishAsync(IReadOnlyList<OutgoingDispatch> dispatches, CancellationToken cancellationToken) =>
            inner.PublishAsync(dispatches, cancellationToken);

        public async Task RemoveAsync(FlowId flowId, CancellationToken cancellationToken)
        {
            plan.Step($"delete destination {flowId}");
            await inner.RemoveAsync(flowId, cancellationToken);
            ledger.Declared.TryRemove(flowId, out _);
        }
    }
}
