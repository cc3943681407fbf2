using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Application.Routing;

/// <summary>
/// Routing answers for many configurations (the rules of <see cref="RoutingPolicy"/>), sized for hundreds of thousands.
/// <list type="bullet">
/// <item>Lookup is one probe of an open-addressing index on the source flow id, then the source's cached targets for
/// the operation: O(1) in the number of configurations, and it allocates nothing once the source has routed an
/// event (the first event of a source works its targets out from the configuration's compact form).</item>
/// <item>Memory: each configuration is kept as compact arrays (16 bytes per provisioned connection, flow ids that are
/// ObjectIds packed into 12 bytes) plus 16 bytes of index per source flow; <see cref="RouteTarget"/> objects exist
/// only for sources that have sent events.</item>
/// <item><see cref="Upsert"/> and <see cref="Remove"/> touch only the entries of one configuration.</item>
/// </list>
/// Reads are lock-free and safe while another thread updates; writers are serialised. A reader sees, per source
/// flow, either the old or the new state of its configuration, never a mix. The table is kept current by the write
/// path and the loaders (<see cref="Upsert"/>, <see cref="Remove"/>); readers use it as <see cref="IRoutingEngine"/>.
/// </summary>
public sealed class RoutingTable : IRoutingEngine
{
    private readonly SourceIndex _index = new();
    private readonly Dictionary<ConfigurationId, ConfigurationRoutes> _configurations = [];
    private readonly Lock _writeLock = new();

    public int SourceCount => _index.Count;

    public int ConfigurationCount
    {
        get
        {
            lock (_writeLock)
            {
                return _configurations.Count;
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
                return [.. _configurations.Keys];
            }
        }
    }

    public RoutingResult Route(RecordEvent recordEvent)
    {
        ArgumentNullException.ThrowIfNull(recordEvent);
        var key = FlowKey.Of(recordEvent.SourceFlowId);
        var found = _index.TryFind(key, out var owner, out var ordinal);
        if (found == SourceIndex.Lookup.Retry)
        {
            lock (_writeLock)
            {
                found = _index.TryFind(key, out owner, out ordinal);
            }
        }

        if (found != SourceIndex.Lookup.Found)
        {
            return RoutingResult.For(recordEvent, RoutingOutcome.UnknownSource, null);
        }

        return owner!.IsSourceActive(ordinal)
            ? RoutingResult.For(recordEvent, RoutingOutcome.Routed, owner.TargetsFor(ordinal, recordEvent.Operation))
            : RoutingResult.For(recordEvent, RoutingOutcome.SourceInactive, null);
    }

    public RoutingResult Route(Configuration configuration, RecordEvent recordEvent)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(recordEvent);
        var routes = ConfigurationRoutes.From(configuration);
        var ordinal = routes.FindSource(FlowKey.Of(recordEvent.SourceFlowId));
        if (ordinal < 0)
        {
            return RoutingResult.For(recordEvent, RoutingOutcome.UnknownSource, null);
        }

        return routes.IsSourceActive(ordinal)
            ? RoutingResult.For(recordEvent, RoutingOutcome.Routed, routes.TargetsFor(ordinal, recordEvent.Operation))
            : RoutingResult.For(recordEvent, RoutingOutcome.SourceInactive, null);
    }

    /// <summary>The version of a loaded configuration, or null when it is not loaded.</summary>
    public long? VersionOf(ConfigurationId configurationId)
    {
        lock (_writeLock)
        {
            return _configurations.TryGetValue(configurationId, out var routes) ? routes.Version : null;
        }
    }

    /// <summary>
    /// Adds a configuration or replaces its previous state. A state older than the one loaded (a lower
    /// <see cref="Configuration.Version"/>, e.g. from a slow full reload racing a change) is ignored.
    /// </summary>
    public void Upsert(Configuration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var routes = ConfigurationRoutes.From(configuration);
        lock (_writeLock)
        {
            _configurations.TryGetValue(configuration.Id, out var previous);
            if (previous is not null && configuration.Version < previous.Version)
            {
                return;
            }

            _configurations[configuration.Id] = routes;
            for (var ordinal = 0; ordinal < routes.SourceCount; ordinal++)
            {
                _index.Set(routes.SourceKey(ordinal), routes, ordinal);
            }

            // Sources the new state still has now point at it; only the dropped ones still point at the old state.
            if (previous is not null)
            {
                RemoveSources(previous);
            }
        }
    }

    /// <summary>Removes a configuration's entries; unknown ids are ignored.</summary>
    public void Remove(ConfigurationId configurationId)
    {
        lock (_writeLock)
        {
            if (_configurations.Remove(configurationId, out var routes))
            {
                RemoveSources(routes);
            }
        }
    }

    // Only what this state put there: another configuration (or a newer state) may have claimed the flow since.
    private void RemoveSources(ConfigurationRoutes routes)
    {
        for (var ordinal = 0; ordinal < routes.SourceCount; ordinal++)
        {
            _index.RemoveIfOwnedBy(routes.SourceKey(ordinal), routes);
        }
    }
}
