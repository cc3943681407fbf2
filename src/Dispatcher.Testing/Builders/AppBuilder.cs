using Dispatcher.Domain.Configurations;

namespace Dispatcher.Testing;

/// <summary>
/// Fluent builder of an <see cref="App"/> and its connections, with test defaults: both sides active, a fixed
/// adapter component, adapter actions derived from the connection. For example
/// <c>new AppBuilder("wice5678", "Wice CRM").Outbound(Person, "wice-out").Inbound(Person, Operation.Create, "wice-in-create").Build()</c>.
/// </summary>
/// <remarks>
/// A connection given a flow id is <em>provisioned</em> (it routes); one without is not yet (the real service gives it
/// a flow when the configuration is saved). Ids of the app and its connections are new on every <see cref="Build"/>
/// unless set with <see cref="WithId"/>; routing never looks at them.
/// </remarks>
/// <param name="applicationUid">The app's <c>applicationUid</c> (written into every copy the app receives).</param>
/// <param name="name">The app's display name; defaults to <paramref name="applicationUid"/>.</param>
public sealed class AppBuilder(string applicationUid, string? name = null)
{
    /// <summary>The adapter component every built app uses (an ObjectId, as the real service requires).</summary>
    public const string DefaultAdapterComponentId = "5d2484d2a422ca001bda5690";

    private readonly List<Func<Connection>> _outbound = [];
    private readonly List<Func<Connection>> _inbound = [];
    private bool _outboundActive = true;
    private bool _inboundActive = true;
    private AppId? _id;

    /// <summary>The uid the built app gets.</summary>
    public string ApplicationUid { get; } = applicationUid;

    /// <summary>Gives the app a fixed id instead of a new one per build.</summary>
    /// <param name="id">The app id.</param>
    /// <returns>This builder.</returns>
    public AppBuilder WithId(AppId id)
    {
        _id = id;
        return this;
    }

    /// <summary>Adds an outbound (app → hub) connection.</summary>
    /// <param name="schemaUri">The data schema the app sends.</param>
    /// <param name="flowId">The provisioned flow (the <c>FlowId</c> of the <c>RecordChanged</c> events it produces), or null for an unprovisioned connection.</param>
    /// <param name="adapterAction">The adapter action that reads the data.</param>
    /// <returns>This builder.</returns>
    public AppBuilder Outbound(string schemaUri, string? flowId = null, string? adapterAction = "getObjects")
    {
        var schema = SchemaUri.Parse(schemaUri);
        var flow = ParseFlow(flowId);
        _outbound.Add(() => Connection.Outbound(ConnectionId.New(), schema, adapterAction, flowId: flow));
        return this;
    }

    /// <summary>Adds an inbound (hub → app) connection for one operation.</summary>
    /// <param name="schemaUri">The data schema the app receives.</param>
    /// <param name="operation">The operation the connection accepts.</param>
    /// <param name="flowId">The provisioned flow (the <c>TargetFlowId</c> of the copies it receives), or null for an unprovisioned connection.</param>
    /// <param name="adapterAction">The adapter action that writes the data; defaults to <c>upsert&lt;Operation&gt;</c>.</param>
    /// <returns>This builder.</returns>
    public AppBuilder Inbound(string schemaUri, Operation operation, string? flowId = null, string? adapterAction = null)
    {
        var schema = SchemaUri.Parse(schemaUri);
        var flow = ParseFlow(flowId);
        _inbound.Add(() => Connection.Inbound(ConnectionId.New(), schema, operation, adapterAction ?? $"upsert{operation}", flowId: flow));
        return this;
    }

    /// <summary>Switches the outbound side off: the app's changes route nowhere.</summary>
    /// <returns>This builder.</returns>
    public AppBuilder OutboundInactive()
    {
        _outboundActive = false;
        return this;
    }

    /// <summary>Switches the inbound side off: the app receives nothing.</summary>
    /// <returns>This builder.</returns>
    public AppBuilder InboundInactive()
    {
        _inboundActive = false;
        return this;
    }

    /// <summary>Builds the app (new connection ids on every call; the builder can be reused).</summary>
    /// <returns>The app.</returns>
    public App Build() => App.Create(
        _id ?? AppId.New(),
        Dispatcher.Domain.Configurations.ApplicationUid.Parse(ApplicationUid),
        name ?? ApplicationUid,
        AppSide.Create(Direction.Outbound, _outboundActive, _outbound.Select(c => c())),
        AppSide.Create(Direction.Inbound, _inboundActive, _inbound.Select(c => c())),
        adapterComponentId: DefaultAdapterComponentId);

    private static FlowId? ParseFlow(string? flowId) => flowId is null ? null : FlowId.Parse(flowId);
}
