using System.Threading.Channels;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>
/// The one worker that carries out stored flow work (<see cref="IFlowWorkQueue"/>): woken right after each write
/// (<see cref="Wake"/>) and otherwise every <see cref="FlowProvisioningOptions.WorkPollInterval"/>, so work left by a
/// stopped or killed process is picked up after the restart. It claims due entries, runs them with bounded
/// parallelism, and completes or reschedules each (failures back off from 5 s to 10 minutes, <see cref="FlowProvisioningOptions.WorkRetryMinInterval"/>). Several instances
/// may run it against one store: a claim keeps others off an entry.
/// </summary>
public sealed partial class FlowWorkRunner(
    IServiceScopeFactory scopes,
    IFlowWorkQueue queue,
    DispatcherMetrics metrics,
    TimeProvider timeProvider,
    IOptions<FlowProvisioningOptions> options,
    ILogger<FlowWorkRunner> logger)
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _waitersGate = new();
    private readonly Dictionary<FlowId, List<Waiter>> _waiters = [];

    // Unix ms of the earliest "look again" of the last batch, so a stopping flow is looked at again in time.
    private long _lookAgainAt = long.MaxValue;

    private TimeProvider Clock => timeProvider;

    /// <summary>Asks the worker to look for due work now.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// Starts watching for <paramref name="work"/> to be done. Call it before the work is stored, so that a completion
    /// that comes quickly is not missed; then <see cref="WorkWatch.WaitAsync"/> once it is stored.
    /// </summary>
    public WorkWatch Watch(IReadOnlyCollection<FlowWork> work)
    {
        List<Waiter> waiters = [.. work.Select(w => new Waiter(w))];
        lock (_waitersGate)
        {
            foreach (var waiter in waiters)
            {
                if (!_waiters.TryGetValue(waiter.Work.FlowId, out var list))
                {
                    _waiters[waiter.Work.FlowId] = list = [];
                }

                list.Add(waiter);
            }
        }

        return new WorkWatch(this, waiters);
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                claimed = await RunDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The store is unreachable or failed: try again at the next poll.
                LogRoundFailed(e);
                claimed = 0;
            }

            if (claimed == 0)
            {
                await WaitForWakeAsync(stoppingToken);
            }
        }
    }

    /// <summary>Claims and runs one batch of due work; returns how many entries were claimed.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var due = await queue.ClaimDueAsync(timeProvider.GetUtcNow(), settings.WorkBatchSize, settings.WorkClaimDuration, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var executor = scope.ServiceProvider.GetRequiredService<FlowWorkExecutor>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.WorkParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(due, parallel, async (entry, token) =>
        {
            var outcome = await executor.ExecuteAsync(entry.Work, token);
            await RecordAsync(entry, outcome, token);
        });
        return due.Count;
    }

    private async Task RecordAsync(PendingFlowWork entry, FlowWorkOutcome outcome, CancellationToken cancellationToken)
    {
        var kind = new KeyValuePair<string, object?>("kind", entry.Work.Kind.ToString());
        if (outcome.IsDone)
        {
            await queue.CompleteAsync(entry, cancellationToken);
            metrics.FlowWorkCompleted.Add(1, kind);
            Finished(entry.Work);

            return;
        }

        var now = timeProvider.GetUtcNow();
        if (outcome.RetryIn is { } delay)
        {
            var at = (now + delay).ToUnixTimeMilliseconds();
            long seen;
            while (at < (seen = Interlocked.Read(ref _lookAgainAt)) && Interlocked.CompareExchange(ref _lookAgainAt, at, seen) != seen)
            {
            }

            await queue.RescheduleAsync(entry, now + delay, entry.LastError, failed: false, cancellationToken);
            return;
        }

        metrics.FlowWorkFailed.Add(1, kind);
        LogAttemptFailed(entry.Work.FlowId.Value, entry.Work.Kind, entry.Attempts + 1, outcome.Error!);
        await queue.RescheduleAsync(entry, now + Backoff(entry.Attempts + 1, options.Value.WorkRetryMinInterval), outcome.Error, failed: true, cancellationToken);
    }

    private async Task WaitForWakeAsync(CancellationToken stoppingToken)
    {
        var wait = options.Value.WorkPollInterval;
        var lookAgainAt = Interlocked.Exchange(ref _lookAgainAt, long.MaxValue);
        if (lookAgainAt != long.MaxValue)
        {
            var untilThen = DateTimeOffset.FromUnixTimeMilliseconds(lookAgainAt) - timeProvider.GetUtcNow();
            wait = untilThen < wait ? (untilThen > TimeSpan.Zero ? untilThen : TimeSpan.Zero) : wait;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(wait);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Poll interval elapsed.
        }
    }

    /// <summary>
    /// Releases the waiters of the work an entry stood for: same flow and kind, requested no later (stored times are
    /// whole milliseconds). An older entry of the flow finishing does not release a later write's waiter.
    /// </summary>
    private void Finished(FlowWork done)
    {
        List<Waiter> released;
        lock (_waitersGate)
        {
            if (!_waiters.TryGetValue(done.FlowId, out var list))
            {
                return;
            }

            var doneAt = done.RequestedAt.ToUnixTimeMilliseconds();
            released = list.FindAll(w => w.Work.Kind == done.Kind && w.Work.RequestedAt.ToUnixTimeMilliseconds() <= doneAt);
            list.RemoveAll(released.Contains);
            if (list.Count == 0)
            {
                _waiters.Remove(done.FlowId);
            }
        }

        released.ForEach(w => w.Done.TrySetResult());
    }

    private void Forget(List<Waiter> waiters)
    {
        lock (_waitersGate)
        {
            foreach (var waiter in waiters)
            {
                if (_waiters.TryGetValue(waiter.Work.FlowId, out var list) && list.Remove(waiter) && list.Count == 0)
                {
                    _waiters.Remove(waiter.Work.FlowId);
                }
            }
        }
    }

    internal sealed class Waiter(FlowWork work)
    {
        public FlowWork Work { get; } = work;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Watches stored work of one write until it is done.</summary>
    public sealed class WorkWatch : IDisposable
    {
        private readonly FlowWorkRunner _runner;
        private readonly List<Waiter> _waiters;

        internal WorkWatch(FlowWorkRunner runner, List<Waiter> waiters)
        {
            _runner = runner;
            _waiters = waiters;
        }

        /// <summary>
        /// Wakes the worker and waits, at most <paramref name="wait"/>, until the work is done; returns the flows
        /// whose removal is still pending.
        /// </summary>
        public async Task<IReadOnlyList<FlowId>> WaitAsync(TimeSpan wait)
        {
            _runner.Wake();
            if (_waiters.Count > 0)
            {
                try
                {
                    await Task.WhenAll(_waiters.Select(w => w.Done.Task)).WaitAsync(wait, _runner.Clock);
                }
                catch (TimeoutException)
                {
                    // Answered with what is still pending; the worker goes on.
                }
            }

            return [.. _waiters.Where(w => w.Work.Kind == FlowWorkKind.Remove && !w.Done.Task.IsCompleted).Select(w => w.Work.FlowId)];
        }

        /// <summary>Stops watching: another instance may finish the work, and this watch no longer waits for it.</summary>
        public void Dispose() => _runner.Forget(_waiters);
    }

    /// <summary><paramref name="first"/> (5 s by default), doubling with each attempt, capped at 10 minutes.</summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan first) =>
        TimeSpan.FromSeconds(Math.Min(first.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 16)), 600));

    [LoggerMessage(LogLevel.Warning, "Flow work on {FlowId} ({Kind}) failed, attempt {Attempt}; retrying with backoff: {Reason}")]
    private partial void LogAttemptFailed(string flowId, FlowWorkKind kind, int attempt, string reason);

    [LoggerMessage(LogLevel.Error, "A flow work round failed; retrying at the next poll")]
    private partial void LogRoundFailed(Exception exception);
}
