using System.Collections.Concurrent;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Dispatching;

/// <summary>
/// Makes sure target flows run before dispatches go out, without asking the Flow Repository for every event:
/// statuses are cached for <see cref="DispatchOptions.FlowStatusCacheTtl"/>, and concurrent requests to start the
/// same flow share one start call. It does not wait for <c>active</c>: the dispatch waits in its durable queue.
/// A failing Flow Repository throws, so the event is retried rather than dispatched to a flow nobody starts.
/// </summary>
/// <remarks>
/// A singleton: it resolves <see cref="IFlowProvisioner"/> in a scope per check instead of holding one, because the
/// Flow Repository adapter is transient and owns an HTTP client whose handlers the client factory rotates.
/// </remarks>
public sealed partial class FlowActivation(
    IServiceScopeFactory scopes,
    TimeProvider timeProvider,
    IOptions<DispatchOptions> options,
    ILogger<FlowActivation> logger)
{
    private readonly ConcurrentDictionary<FlowId, DateTimeOffset> _runningUntil = new();
    private readonly ConcurrentDictionary<FlowId, Lazy<Task>> _inFlight = new();
    private long _starts;

    /// <summary>Start calls made so far (for metrics and tests).</summary>
    public long Starts => Interlocked.Read(ref _starts);

    /// <summary>Ensures every flow in <paramref name="flowIds"/> is running or starting.</summary>
    public Task EnsureRunningAsync(IEnumerable<FlowId> flowIds, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        List<Task>? pending = null;
        foreach (var flowId in flowIds)
        {
            if (_runningUntil.TryGetValue(flowId, out var until) && until > now)
            {
                continue;
            }

            // One check-and-start per flow at a time; later callers await the same task.
            var lazy = _inFlight.GetOrAdd(flowId, id => new Lazy<Task>(() => CheckAndStartAsync(id)));
            (pending ??= []).Add(lazy.Value.WaitAsync(cancellationToken));
        }

        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

    /// <summary>The flows currently trusted to be running (diagnostics, tests).</summary>
    public IReadOnlyCollection<FlowId> KnownRunning => [.. _runningUntil.Keys];

    /// <summary>Forgets what is known about a flow (e.g. after it was deleted or stopped by a configuration change).</summary>
    public void Forget(FlowId flowId) => _runningUntil.TryRemove(flowId, out _);

    private async Task CheckAndStartAsync(FlowId flowId)
    {
        try
        {
            // Not the caller's token: a shared check must not be cancelled by the first caller going away.
            await using var scope = scopes.CreateAsyncScope();
            var flows = scope.ServiceProvider.GetRequiredService<IFlowProvisioner>();
            FlowStatus? status;
            try
            {
                status = await flows.GetStatusAsync(flowId, FlowCallContext.Service, CancellationToken.None);
            }
            catch (FlowRepositoryException e)
            {
                // The reason names the target flow: the error-queue redrive filters on "target flow <id>".
                throw new FlowRepositoryException(e.Failure, $"Could not read the status of target flow {flowId}: {e.Message}", e);
            }

            if (status is FlowStatus.Inactive or FlowStatus.Stopping)
            {
                try
                {
                    await flows.StartAsync(flowId, FlowCallContext.Service, CancellationToken.None);
                }
                catch (FlowRepositoryException e)
                {
                    throw new FlowRepositoryException(e.Failure, $"Could not start target flow {flowId}: {e.Message}", e);
                }

                Interlocked.Increment(ref _starts);
                LogStarted(flowId.Value, status.Value);
            }
            else if (status is null)
            {
                // Vanished: the reconciler re-creates it; the dispatch waits in its durable queue meanwhile.
                LogMissing(flowId.Value);
                return;
            }

            _runningUntil[flowId] = timeProvider.GetUtcNow() + options.Value.FlowStatusCacheTtl;
        }
        finally
        {
            _inFlight.TryRemove(flowId, out _);
        }
    }

    [LoggerMessage(LogLevel.Information, "Started target flow {FlowId} (was {Status})")]
    private partial void LogStarted(string flowId, FlowStatus status);

    [LoggerMessage(LogLevel.Warning, "Target flow {FlowId} does not exist in the Flow Repository; dispatching anyway (it waits in its queue)")]
    private partial void LogMissing(string flowId);
}
