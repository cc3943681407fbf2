using System.Collections.Concurrent;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Routing;

/// <summary>
/// Routing answers for many configurations, precomputed per source flow and operation.
/// <list type="bullet">
/// <item>Lookup is one hash probe on the source flow id and an array index on the operation: O(1) in the number
/// of configurations, and it allocates nothing.</item>
/// <item>Building is linear in the number of connections (targets are grouped by schema and operation once per
/// configuration).</item>
/// <item><see cref="Upsert"/> and <see cref="Remove"/> touch only the entries of one configuration.</item>
/// </list>
/// Reads are lock-free and safe while another thread updates; writers are serialised. A reader sees, per source
/// flow, either the old or the new plan, never a mix.
/// </summary>
public sealed class RoutingTable
{
    private readonly ConcurrentDictionary<FlowId, SourcePlan> _bySource = new();
    private readonly Dictionary<ConfigurationId, FlowId[]> _sourcesByConfiguration = [];
    private readonly Dictionary<ConfigurationId, long> _versions = [];
    private readonly Lock _writeLock = new();

    /// <summary>The number of source flows known to the table.</summary>
    public int SourceCount => _bySource.Count;

    /// <summary>The number of configurations loaded.</summary>
    public int ConfigurationCount
    {
        get
        {
            lock (_writeLock)
            {
                return _sourcesByConfiguration.Count;
            }
        }
    }

    /// <summary>The configurations loaded (a snapshot).</summary>
    public IReadOnlyList<ConfigurationId> ConfigurationIds
    {
        get
        {
            lock (_writeLock)
            {
                return [.. _sourcesByConfiguration.Keys];
            }
        }
    }

    /// <summary>Builds a table from <paramref name="configurations"/>.</summary>
    public static RoutingTable Build(IEnumerable<Configuration> configurations)
    {
        var table = new RoutingTable();
        foreach (var configuration in configurations)
        {
            table.Upsert(configuration);
        }

        return table;
    }

    /// <summary>Routes an event (see <see cref="RoutingPolicy"/> for the rules).</summary>
    public RoutingResult Route(RecordEvent recordEvent)
    {
        ArgumentNullException.ThrowIfNull(recordEvent);
        if (!_bySource.TryGetValue(recordEvent.SourceFlowId, out var plan))
        {
            return RoutingResult.For(recordEvent, RoutingOutcome.UnknownSource, null);
        }

        return plan.Active
            ? RoutingResult.For(recordEvent, RoutingOutcome.Routed, plan.TargetsFor(recordEvent.Operation))
            : RoutingResult.For(recordEvent, RoutingOutcome.SourceInactive, null);
    }

    /// <summary>
    /// Adds a configuration or replaces its previous state. A state older than the one loaded (a lower
    /// <see cref="Configuration.Version"/>, e.g. from a slow full reload racing a change) is ignored.
    /// </summary>
    public void Upsert(Configuration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var plans = PlanSources(configuration);
        lock (_writeLock)
        {
            if (_versions.TryGetValue(configuration.Id, out var loaded) && configuration.Version < loaded)
            {
                return;
            }

            _versions[configuration.Id] = configuration.Version;
            foreach (var (flowId, plan) in plans)
            {
                _bySource[flowId] = plan;
            }

            if (_sourcesByConfiguration.TryGetValue(configuration.Id, out var previous))
            {
                foreach (var flowId in previous)
                {
                    if (!plans.ContainsKey(flowId))
                    {
                        RemoveOwned(flowId, configuration.Id);
                    }
                }
            }

            _sourcesByConfiguration[configuration.Id] = [.. plans.Keys];
        }
    }

    /// <summary>Removes a configuration's entries; unknown ids are ignored.</summary>
    public void Remove(ConfigurationId configurationId)
    {
        lock (_writeLock)
        {
            _versions.Remove(configurationId);
            if (!_sourcesByConfiguration.Remove(configurationId, out var sources))
            {
                return;
            }

            foreach (var flowId in sources)
            {
                RemoveOwned(flowId, configurationId);
            }
        }
    }

    private void RemoveOwned(FlowId flowId, ConfigurationId owner)
    {
        // Only remove what this configuration put there: another configuration may have claimed the flow since.
        if (_bySource.TryGetValue(flowId, out var plan) && plan.ConfigurationId == owner)
        {
            _bySource.TryRemove(new KeyValuePair<FlowId, SourcePlan>(flowId, plan));
        }
    }

    private static Dictionary<FlowId, SourcePlan> PlanSources(Configuration configuration)
    {
        // Group the provisioned inbound connections of active inbound sides by (schema, operation), in order.
        var groups = new Dictionary<(string SchemaKey, Operation Operation), List<RouteTarget>>();
        foreach (var app in configuration.Apps)
        {
            if (!app.Inbound.Active)
            {
                continue;
            }

            foreach (var connection in app.Inbound.Connections)
            {
                if (connection.FlowId is not { } flowId)
                {
                    continue;
                }

                var key = (connection.SchemaUri.Key, connection.Operation!.Value);
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = [];
                }

                list.Add(new RouteTarget(configuration.Id, app.Id, app.ApplicationUid, connection.Id, flowId));
            }
        }

        var plans = new Dictionary<FlowId, SourcePlan>();
        foreach (var app in configuration.Apps)
        {
            foreach (var connection in app.Outbound.Connections)
            {
                if (connection.FlowId is not { } flowId)
                {
                    continue;
                }

                var byOperation = new RouteTarget[3][];
                if (app.Outbound.Active)
                {
                    foreach (var operation in (ReadOnlySpan<Operation>)[Operation.Create, Operation.Update, Operation.Delete])
                    {
                        byOperation[(int)operation - 1] = groups.TryGetValue((connection.SchemaUri.Key, operation), out var all)
                            ? all.Where(t => t.AppId != app.Id).DistinctBy(t => t.FlowId).ToArray()
                            : [];
                    }
                }

                plans[flowId] = new SourcePlan(configuration.Id, app.Outbound.Active, byOperation);
            }
        }

        return plans;
    }

    private sealed class SourcePlan(ConfigurationId configurationId, bool active, RouteTarget[][] targetsByOperation)
    {
        public ConfigurationId ConfigurationId { get; } = configurationId;

        public bool Active { get; } = active;

        public RouteTarget[] TargetsFor(Operation operation) => targetsByOperation[(int)operation - 1];
    }
}
