using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>
/// A tenant's dispatch configuration: the connected apps and their connections. The aggregate protects these
/// invariants on every change:
/// <list type="bullet">
/// <item>an applicationUid appears at most once (<see cref="DomainRules.ApplicationUidUnique"/>);</item>
/// <item>a flow id appears at most once (<see cref="DomainRules.FlowIdUnique"/>);</item>
/// <item>app and connection ids are unique (<see cref="DomainRules.EntityIdUnique"/>);</item>
/// <item>per side: matching operations and no identical connections (checked by <see cref="AppSide"/>).</item>
/// </list>
/// </summary>
public sealed class Configuration : AggregateRoot
{
    private List<App> _apps;

    private Configuration(
        ConfigurationId id, TenantId tenant, string name, string? dataModel, List<App> apps,
        DateTimeOffset createdAt, DateTimeOffset updatedAt, long version)
    {
        Id = id;
        Tenant = tenant;
        Name = name;
        DataModel = dataModel;
        _apps = apps;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
        Version = version;
    }

    /// <summary>The configuration's id.</summary>
    public ConfigurationId Id { get; }

    /// <summary>The owning tenant; never changes.</summary>
    public TenantId Tenant { get; }

    /// <summary>Display name.</summary>
    public string Name { get; private set; }

    /// <summary>The data model (domain) the configuration works in.</summary>
    public string? DataModel { get; private set; }

    /// <summary>The connected apps, in order.</summary>
    public IReadOnlyList<App> Apps => _apps;

    /// <summary>When the configuration was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When the configuration last changed.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>
    /// The stored version this state was loaded from (0 before the first save). Repositories write only when the
    /// stored version still equals it, then call <see cref="MarkPersisted"/>.
    /// </summary>
    public long Version { get; private set; }

    /// <summary>Every provisioned flow of the configuration.</summary>
    public IEnumerable<FlowId> FlowIds =>
        _apps.SelectMany(a => a.Connections).Where(c => c.FlowId is not null).Select(c => c.FlowId!.Value);

    /// <summary>Creates a new configuration and raises <see cref="ConfigurationCreated"/>.</summary>
    public static Configuration Create(
        ConfigurationId id, TenantId tenant, string? name, string? dataModel, IEnumerable<App>? apps, DateTimeOffset now)
    {
        var list = apps?.ToList() ?? [];
        EnsureInvariants(list);
        var configuration = new Configuration(
            id, tenant, Guard.Required(name, "name"), Guard.Optional(dataModel), list, now, now, 0);
        configuration.Raise(new ConfigurationCreated(id, tenant));
        return configuration;
    }

    /// <summary>Rebuilds a stored configuration (no events). Invariants are still checked.</summary>
    public static Configuration Rehydrate(
        ConfigurationId id, TenantId tenant, string name, string? dataModel, IEnumerable<App> apps,
        DateTimeOffset createdAt, DateTimeOffset updatedAt, long version)
    {
        var list = apps.ToList();
        EnsureInvariants(list);
        return new Configuration(id, tenant, name, dataModel, list, createdAt, updatedAt, version);
    }

    /// <summary>The app with <paramref name="appId"/>, or null.</summary>
    public App? FindApp(AppId appId) => _apps.Find(a => a.Id == appId);

    /// <summary>The app owning the connection, and the connection, or null.</summary>
    public (App App, Connection Connection)? FindConnection(ConnectionId connectionId)
    {
        foreach (var app in _apps)
        {
            foreach (var connection in app.Connections)
            {
                if (connection.Id == connectionId)
                {
                    return (app, connection);
                }
            }
        }

        return null;
    }

    /// <summary>Changes the name and data model.</summary>
    public void ChangeDetails(string? name, string? dataModel, DateTimeOffset now)
    {
        var newName = Guard.Required(name, "name");
        var newModel = Guard.Optional(dataModel);
        if (newName == Name && newModel == DataModel)
        {
            return;
        }

        Name = newName;
        DataModel = newModel;
        Touch(now);
        Raise(new ConfigurationDetailsChanged(Id));
    }

    /// <summary>Adds an app; raises <see cref="AppAdded"/>.</summary>
    public void AddApp(App app, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(app);
        var apps = new List<App>(_apps) { app };
        EnsureInvariants(apps);
        _apps = apps;
        Touch(now);
        Raise(new AppAdded(Id, app.Id));
    }

    /// <summary>Removes an app; raises <see cref="AppRemoved"/> and <see cref="FlowReleased"/> for each of its flows.</summary>
    public App RemoveApp(AppId appId, DateTimeOffset now)
    {
        var app = FindApp(appId) ?? throw NotFound($"App '{appId}'");
        _apps = _apps.Where(a => a.Id != appId).ToList();
        Touch(now);
        Raise(new AppRemoved(Id, app));
        foreach (var flowId in FlowsOf(app))
        {
            Raise(new FlowReleased(Id, flowId));
        }

        return app;
    }

    /// <summary>
    /// Replaces the whole app list (the PATCH of the original API). Apps are matched by id: missing ones raise
    /// <see cref="AppRemoved"/>, new ones <see cref="AppAdded"/>, differing ones <see cref="AppChanged"/>; every flow no
    /// longer carried by a connection raises <see cref="FlowReleased"/>, every side switched on or off
    /// <see cref="SideActivated"/> or <see cref="SideDeactivated"/>.
    /// </summary>
    public void ReplaceApps(IEnumerable<App> apps, DateTimeOffset now)
    {
        var incoming = apps.ToList();
        EnsureInvariants(incoming);
        var changes = new List<IDomainEvent>();
        var kept = incoming.SelectMany(FlowsOf).ToHashSet();
        foreach (var old in _apps.Where(o => incoming.TrueForAll(n => n.Id != o.Id)))
        {
            changes.Add(new AppRemoved(Id, old));
        }

        foreach (var app in incoming)
        {
            var old = FindApp(app.Id);
            if (old is null)
            {
                changes.Add(new AppAdded(Id, app.Id));
            }
            else if (!old.IsSameAs(app))
            {
                changes.Add(new AppChanged(Id, app.Id));
                AddSideChanges(old, app, changes);
            }
        }

        changes.AddRange(_apps.SelectMany(FlowsOf).Where(flowId => !kept.Contains(flowId)).Select(flowId => new FlowReleased(Id, flowId)));
        var reordered = !_apps.Select(a => a.Id).SequenceEqual(incoming.Select(a => a.Id));
        if (changes.Count == 0 && !reordered)
        {
            return;
        }

        _apps = incoming;
        Touch(now);
        changes.ForEach(Raise);
    }

    /// <summary>Replaces one app by a changed definition with the same id (see <see cref="ReplaceApps"/>).</summary>
    public void ReplaceApp(App app, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = FindApp(app.Id) ?? throw NotFound($"App '{app.Id}'");
        ReplaceApps([.. _apps.Select(a => a.Id == app.Id ? app : a)], now);
    }

    /// <summary>Records the flow provisioned for a connection; raises <see cref="FlowAssigned"/>.</summary>
    public void AssignFlow(ConnectionId connectionId, FlowId flowId, DateTimeOffset now) =>
        AssignFlows([new KeyValuePair<ConnectionId, FlowId>(connectionId, flowId)], now);

    /// <summary>
    /// Records the flows provisioned for many connections at once (in one pass over the configuration, however many
    /// there are); raises <see cref="FlowAssigned"/> for each one that changed. Nothing is assigned when one of them
    /// names an unknown connection or a flow another connection holds.
    /// </summary>
    public void AssignFlows(IEnumerable<KeyValuePair<ConnectionId, FlowId>> assignments, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var connections = _apps.SelectMany(a => a.Connections).ToDictionary(c => c.Id);
        var owners = connections.Values.Where(c => c.FlowId is not null).ToDictionary(c => c.FlowId!.Value, c => c.Id);
        var checkedAssignments = new List<(Connection Connection, FlowId FlowId)>();
        foreach (var (connectionId, flowId) in assignments)
        {
            var connection = connections.GetValueOrDefault(connectionId) ?? throw NotFound($"Connection '{connectionId}'");
            if (owners.TryGetValue(flowId, out var owner) && owner != connectionId)
            {
                throw DuplicateFlow(flowId);
            }

            if (connection.FlowId is { } previous)
            {
                owners.Remove(previous);
            }

            owners[flowId] = connectionId;
            checkedAssignments.Add((connection, flowId));
        }

        foreach (var (connection, flowId) in checkedAssignments)
        {
            if (connection.AssignFlow(flowId))
            {
                Touch(now);
                Raise(new FlowAssigned(Id, connection.Id, flowId));
            }
        }
    }

    /// <summary>Forgets the flow of a connection (after the flow was removed); raises <see cref="FlowUnassigned"/>.</summary>
    public void UnassignFlow(ConnectionId connectionId, DateTimeOffset now)
    {
        var (_, connection) = FindConnection(connectionId) ?? throw NotFound($"Connection '{connectionId}'");
        var flowId = connection.FlowId;
        if (connection.ClearFlow())
        {
            Touch(now);
            Raise(new FlowUnassigned(Id, connectionId, flowId!.Value));
        }
    }

    /// <summary>Marks the configuration deleted; raises <see cref="ConfigurationDeleted"/> with the flows it owned.</summary>
    public void MarkDeleted() => Raise(new ConfigurationDeleted(Id, FlowIds.ToList()));

    /// <summary>Called by a repository once this state is stored: the stored version moves on by one.</summary>
    public void MarkPersisted() => Version++;

    private void AddSideChanges(App old, App app, List<IDomainEvent> changes)
    {
        foreach (var direction in new[] { Direction.Outbound, Direction.Inbound })
        {
            var wasActive = old.Side(direction).Active;
            var isActive = app.Side(direction).Active;
            if (wasActive != isActive)
            {
                changes.Add(isActive ? new SideActivated(Id, app.Id, direction) : new SideDeactivated(Id, app.Id, direction));
            }
        }
    }

    private static IEnumerable<FlowId> FlowsOf(App app) =>
        app.Connections.Where(c => c.FlowId is not null).Select(c => c.FlowId!.Value);

    private void Touch(DateTimeOffset now) => UpdatedAt = now > UpdatedAt ? now : UpdatedAt;

    private static void EnsureInvariants(List<App> apps)
    {
        var uids = new HashSet<ApplicationUid>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var flows = new HashSet<FlowId>();
        foreach (var app in apps)
        {
            if (!uids.Add(app.ApplicationUid))
            {
                throw new DomainRuleViolationException(
                    DomainRules.ApplicationUidUnique,
                    $"applicationUid '{app.ApplicationUid}' appears more than once in the configuration.");
            }

            if (!ids.Add(app.Id.Value))
            {
                throw new DomainRuleViolationException(DomainRules.EntityIdUnique, $"App id '{app.Id}' appears more than once.");
            }

            foreach (var connection in app.Connections)
            {
                if (!ids.Add(connection.Id.Value))
                {
                    throw new DomainRuleViolationException(
                        DomainRules.EntityIdUnique, $"Connection id '{connection.Id}' appears more than once.");
                }

                if (connection.FlowId is { } flowId && !flows.Add(flowId))
                {
                    throw DuplicateFlow(flowId);
                }
            }
        }
    }

    private static DomainRuleViolationException DuplicateFlow(FlowId flowId) =>
        new(DomainRules.FlowIdUnique, $"Flow id '{flowId}' appears more than once in the configuration.");

    private static DomainRuleViolationException NotFound(string what) =>
        new(DomainRules.NotFound, $"{what} does not exist in the configuration.");
}
