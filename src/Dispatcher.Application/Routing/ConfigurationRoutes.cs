using System.Text;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Application.Routing;

/// <summary>
/// What routing needs of one configuration, compact and immutable: per app its uid (UTF-8, in one buffer) and side
/// states, per provisioned outbound connection (source) and inbound connection (target) a 16-byte
/// <see cref="PackedFlow"/>; five objects per configuration whatever its size. A source's targets for an operation
/// are worked out on its first event and cached (as <see cref="RouteTarget"/> arrays), so memory grows with the
/// sources that actually send events, not with every possible route.
/// </summary>
internal sealed class ConfigurationRoutes
{
    private const uint OutboundActive = 1u << 31;
    private const uint InboundActive = 1u << 30;
    private const uint OffsetMask = InboundActive - 1;
    private const int Operations = 3;

    // _apps[a] = start of app a's uid in _uids | side flags; _apps[count] = end of the last uid.
    private readonly uint[] _apps;
    private readonly byte[] _uids;

    // Sources first (ordinals 0 … _sourceCount − 1), then targets.
    private readonly PackedFlow[] _flows;
    private readonly int _sourceCount;

    // Flow ids that are not packed (see PackedFlow); almost always empty.
    private readonly string[] _texts;
    private RouteTarget[]?[]? _routes;
    private RouteTarget?[]? _targetObjects;

    private ConfigurationRoutes(
        ConfigurationId id, long version, uint[] apps, byte[] uids, PackedFlow[] flows, int sourceCount, string[] texts)
    {
        Id = id;
        Version = version;
        _apps = apps;
        _uids = uids;
        _flows = flows;
        _sourceCount = sourceCount;
        _texts = texts;
    }

    public ConfigurationId Id { get; }

    public long Version { get; }

    /// <summary>The number of source flows (their ordinals are 0 … count − 1).</summary>
    public int SourceCount => _sourceCount;

    public static ConfigurationRoutes From(Configuration configuration)
    {
        var apps = configuration.Apps;
        if (apps.Count > ushort.MaxValue + 1)
        {
            throw new NotSupportedException($"Configuration '{configuration.Id}' has {apps.Count} apps; routing supports {ushort.MaxValue + 1}.");
        }

        var appEntries = new uint[apps.Count + 1];
        var uids = new List<byte>();
        var schemas = new Dictionary<string, int>(StringComparer.Ordinal);
        var sources = new List<PackedFlow>();
        var targets = new List<PackedFlow>();
        var texts = new List<string>();
        var seenSources = new HashSet<FlowId>();
        for (var a = 0; a < apps.Count; a++)
        {
            var app = apps[a];
            appEntries[a] = checked((uint)uids.Count) | (app.Outbound.Active ? OutboundActive : 0) | (app.Inbound.Active ? InboundActive : 0);
            uids.AddRange(Encoding.UTF8.GetBytes(app.ApplicationUid.Value));
            if (uids.Count > OffsetMask)
            {
                throw new NotSupportedException($"Configuration '{configuration.Id}' has more than {OffsetMask} bytes of application uids.");
            }
            foreach (var connection in app.Outbound.Connections)
            {
                // The first outbound connection with a flow owns it, as in RoutingPolicy.
                if (connection.FlowId is { } flowId && seenSources.Add(flowId))
                {
                    sources.Add(Pack(flowId, a, SchemaIndex(connection.SchemaUri), null));
                }
            }

            foreach (var connection in app.Inbound.Connections)
            {
                if (connection.FlowId is { } flowId && connection.Operation is { } operation)
                {
                    targets.Add(Pack(flowId, a, SchemaIndex(connection.SchemaUri), operation));
                }
            }
        }

        appEntries[apps.Count] = (uint)uids.Count;
        return new ConfigurationRoutes(
            configuration.Id, configuration.Version, appEntries, [.. uids], [.. sources, .. targets], sources.Count,
            texts.Count == 0 ? [] : [.. texts]);

        int SchemaIndex(SchemaUri schema)
        {
            if (!schemas.TryGetValue(schema.Key, out var index))
            {
                index = schemas.Count;
                if (index >= PackedFlow.MaxSchemas)
                {
                    throw new NotSupportedException(
                        $"Configuration '{configuration.Id}' uses more than {PackedFlow.MaxSchemas} schemas; routing supports {PackedFlow.MaxSchemas}.");
                }

                schemas[schema.Key] = index;
            }

            return index;
        }

        PackedFlow Pack(FlowId flowId, int app, int schema, Operation? operation)
        {
            var key = FlowKey.Of(flowId);
            var textIndex = 0;
            if (key.IsText)
            {
                textIndex = texts.Count;
                texts.Add(flowId.Value);
            }

            return new PackedFlow(key, textIndex, app, schema, operation);
        }
    }

    /// <summary>The lookup key of source <paramref name="ordinal"/>.</summary>
    public FlowKey SourceKey(int ordinal) => FlowKey.Of(_flows[ordinal], _texts);

    /// <summary>True when source <paramref name="ordinal"/> exists and is the flow <paramref name="key"/>.</summary>
    public bool SourceIs(int ordinal, in FlowKey key) => (uint)ordinal < (uint)_sourceCount && key.Matches(_flows[ordinal], _texts);

    /// <summary>The ordinal of the source flow <paramref name="key"/>, or −1 (a scan: for one configuration, not the index).</summary>
    public int FindSource(in FlowKey key)
    {
        for (var ordinal = 0; ordinal < _sourceCount; ordinal++)
        {
            if (key.Matches(_flows[ordinal], _texts))
            {
                return ordinal;
            }
        }

        return -1;
    }

    /// <summary>True when the outbound side of the source's app is active.</summary>
    public bool IsSourceActive(int ordinal) => (_apps[_flows[ordinal].App] & OutboundActive) != 0;

    /// <summary>
    /// The targets of an event of <paramref name="operation"/> from source <paramref name="ordinal"/>, in configuration
    /// order, each flow once (the rules of <see cref="RoutingPolicy"/>). Cached after the first call; concurrent first
    /// calls may both compute it, with equal results.
    /// </summary>
    public RouteTarget[] TargetsFor(int ordinal, Operation operation)
    {
        var routes = Volatile.Read(ref _routes);
        if (routes is null)
        {
            Interlocked.CompareExchange(ref _routes, new RouteTarget[]?[_sourceCount * Operations], null);
            routes = _routes!;
        }

        var slot = (ordinal * Operations) + (int)operation - 1;
        if (Volatile.Read(ref routes[slot]) is { } cached)
        {
            return cached;
        }

        var computed = ComputeTargets(_flows[ordinal], operation);
        Volatile.Write(ref routes[slot], computed);
        return computed;
    }

    private RouteTarget[] ComputeTargets(in PackedFlow source, Operation operation)
    {
        List<int>? chosen = null;
        for (var t = _sourceCount; t < _flows.Length; t++)
        {
            ref readonly var target = ref _flows[t];
            if (target.App == source.App
                || (_apps[target.App] & InboundActive) == 0
                || target.Operation != operation
                || target.Schema != source.Schema
                || (chosen is not null && AlreadyChosen(chosen, target)))
            {
                continue;
            }

            (chosen ??= []).Add(t);
        }

        if (chosen is null)
        {
            return [];
        }

        var result = new RouteTarget[chosen.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = TargetObject(chosen[i]);
        }

        return result;
    }

    private bool AlreadyChosen(List<int> chosen, in PackedFlow target)
    {
        foreach (var index in chosen)
        {
            if (_flows[index].SameFlowAs(target))
            {
                return true;
            }
        }

        return false;
    }

    // One RouteTarget per inbound flow, shared by every source that routes to it.
    private RouteTarget TargetObject(int index)
    {
        var objects = Volatile.Read(ref _targetObjects);
        if (objects is null)
        {
            Interlocked.CompareExchange(ref _targetObjects, new RouteTarget?[_flows.Length - _sourceCount], null);
            objects = _targetObjects!;
        }

        var slot = index - _sourceCount;
        if (Volatile.Read(ref objects[slot]) is { } existing)
        {
            return existing;
        }

        ref readonly var target = ref _flows[index];
        var created = new RouteTarget(Id, AppUid(target.App), FlowId.Parse(FlowKey.TextOf(target, _texts)));
        return Interlocked.CompareExchange(ref objects[slot], created, null) ?? created;
    }

    private ApplicationUid AppUid(int app)
    {
        var start = (int)(_apps[app] & OffsetMask);
        var end = (int)(_apps[app + 1] & OffsetMask);
        return ApplicationUid.Parse(Encoding.UTF8.GetString(_uids, start, end - start));
    }
}
