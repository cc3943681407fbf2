using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Tests.Support;

/// <summary>
/// A Flow Repository in memory that behaves like the real one where it matters: created flows start inactive and
/// carry their owner; only an inactive flow can be deleted (else <see cref="FlowFailure.Conflict"/>); deleting a
/// missing flow succeeds. Stopping takes a second look by default (active → stopping; <see cref="Settle"/> makes it
/// inactive); <see cref="StopsAtOnce"/> makes it inactive at once. Every call is logged in order ("create x",
/// "status x", "start x", "stop x", "delete x", "list &lt;page&gt;"), successful or not.
/// </summary>
internal sealed class FakeFlowRepository(TimeProvider time) : IFlowProvisioner
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, FlowSummary> _flows = new(StringComparer.Ordinal);
    private readonly List<string> _calls = [];
    private readonly List<FlowDefinition> _creates = [];

    /// <summary>A stop leaves the flow inactive at once instead of stopping.</summary>
    public bool StopsAtOnce { get; set; }

    /// <summary>The create call (1-based) that fails, if any.</summary>
    public int? FailingCreate { get; set; }

    /// <summary>Flows whose delete fails with a conflict even when inactive.</summary>
    public HashSet<FlowId> Undeletable { get; } = [];

    /// <summary>Flows the listing does not show (created after the listing passed them).</summary>
    public HashSet<FlowId> HiddenFromList { get; } = [];

    /// <summary>Flows whose status call fails (the repository is unreachable for them).</summary>
    public HashSet<FlowId> Unreachable { get; } = [];

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyList<FlowDefinition> Creates
    {
        get
        {
            lock (_gate)
            {
                return [.. _creates];
            }
        }
    }

    /// <summary>The flow id the fake gives the flow of a connection.</summary>
    public static FlowId FlowFor(Connection connection) => FlowId.Parse($"flow-{connection.Id}");

    /// <summary>The flows that exist, by id.</summary>
    public IReadOnlyDictionary<string, FlowSummary> Flows
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, FlowSummary>(_flows);
            }
        }
    }

    /// <summary>The ids of the flows whose call <paramref name="verb"/> succeeded, in order.</summary>
    public IEnumerable<string> Done(string verb) =>
        Calls.Where(c => c.StartsWith($"{verb} ", StringComparison.Ordinal) && !c.EndsWith(" !", StringComparison.Ordinal))
            .Select(c => c[(verb.Length + 1)..]);

    public void Seed(FlowId flowId, FlowStatus status, FlowOwner? owner = null, DateTimeOffset? createdAt = null)
    {
        lock (_gate)
        {
            _flows[flowId.Value] = new FlowSummary(flowId, status, owner, createdAt);
        }
    }

    /// <summary>Seeds every flow of <paramref name="configuration"/> with <paramref name="status"/> and its owner.</summary>
    public void SeedAll(Configuration configuration, FlowStatus status, DateTimeOffset? createdAt = null)
    {
        foreach (var connection in configuration.Apps.SelectMany(a => a.Connections).Where(c => c.FlowId is not null))
        {
            Seed(connection.FlowId!.Value, status, new FlowOwner(configuration.Id, connection.Id), createdAt);
        }
    }

    /// <summary>The flow disappears (deleted by someone else).</summary>
    public void Vanish(FlowId flowId)
    {
        lock (_gate)
        {
            _flows.Remove(flowId.Value);
        }
    }

    public void SetStatus(FlowId flowId, FlowStatus status)
    {
        lock (_gate)
        {
            _flows[flowId.Value] = _flows[flowId.Value] with { Status = status };
        }
    }

    public FlowStatus? StatusOf(FlowId flowId)
    {
        lock (_gate)
        {
            return _flows.TryGetValue(flowId.Value, out var flow) ? flow.Status : null;
        }
    }

    /// <summary>Every stopping flow becomes inactive.</summary>
    public void Settle()
    {
        lock (_gate)
        {
            foreach (var flow in _flows.Values.Where(f => f.Status == FlowStatus.Stopping).ToList())
            {
                _flows[flow.Id.Value] = flow with { Status = FlowStatus.Inactive };
            }
        }
    }

    public Task<FlowId> CreateAsync(FlowDefinition definition, FlowCallContext context, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _creates.Add(definition);
            var flowId = FlowFor(definition.Connection);
            if (_creates.Count == FailingCreate)
            {
                _calls.Add($"create {flowId} !");
                return Task.FromException<FlowId>(new FlowRepositoryException(FlowFailure.Failed, "The Flow Repository answered 500."));
            }

            _calls.Add($"create {flowId}");
            _flows[flowId.Value] = new FlowSummary(
                flowId, FlowStatus.Inactive, new FlowOwner(definition.ConfigurationId, definition.Connection.Id), time.GetUtcNow());
            return Task.FromResult(flowId);
        }
    }

    public Task<FlowStatus?> GetStatusAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Unreachable.Contains(flowId))
            {
                _calls.Add($"status {flowId} !");
                return Task.FromException<FlowStatus?>(new FlowRepositoryException(FlowFailure.Unavailable, "The Flow Repository is unreachable."));
            }

            _calls.Add($"status {flowId}");
            return Task.FromResult(_flows.TryGetValue(flowId.Value, out var flow) ? flow.Status : (FlowStatus?)null);
        }
    }

    public Task StartAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls.Add($"start {flowId}");
            _flows[flowId.Value] = _flows[flowId.Value] with { Status = FlowStatus.Starting };
            return Task.CompletedTask;
        }
    }

    public Task StopAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls.Add($"stop {flowId}");
            _flows[flowId.Value] = _flows[flowId.Value] with { Status = StopsAtOnce ? FlowStatus.Inactive : FlowStatus.Stopping };
            return Task.CompletedTask;
        }
    }

    public Task DeleteAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_flows.TryGetValue(flowId.Value, out var flow) && (flow.Status != FlowStatus.Inactive || Undeletable.Contains(flowId)))
            {
                _calls.Add($"delete {flowId} !");
                return Task.FromException(new FlowRepositoryException(FlowFailure.Conflict, $"Flow {flowId} is not inactive."));
            }

            _calls.Add($"delete {flowId}");
            _flows.Remove(flowId.Value);
            return Task.CompletedTask;
        }
    }

    public Task<FlowPage> ListAsync(string? page, int pageSize, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls.Add($"list {page ?? "first"}");
            var start = page is null ? 0 : int.Parse(page, System.Globalization.CultureInfo.InvariantCulture);
            var listed = _flows.Values.Where(f => !HiddenFromList.Contains(f.Id)).ToList();
            var flows = listed.Skip(start).Take(pageSize).ToList();
            var next = start + pageSize < listed.Count ? (start + pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new FlowPage(flows, next));
        }
    }
}
