using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Abstractions;

/// <summary>
/// Creates and controls the integration flows that carry connections: the Flow Repository in production, the
/// standalone registry in the embedded mode. Implementations translate transport errors into
/// <see cref="Common.Errors.FlowRepositoryException"/>.
/// </summary>
public interface IFlowProvisioner
{
    /// <summary>Creates the flow for one connection of an app and returns its id. The flow starts inactive.</summary>
    Task<FlowId> CreateAsync(FlowDefinition definition, FlowCallContext context, CancellationToken cancellationToken);

    /// <summary>The flow's status, or null when the flow does not exist.</summary>
    Task<FlowStatus?> GetStatusAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken);

    /// <summary>Asks the flow to start (inactive → starting → active).</summary>
    Task StartAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken);

    /// <summary>Asks the flow to stop (active → stopping → inactive).</summary>
    Task StopAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the flow. A flow that does not exist counts as deleted. A flow that is not inactive cannot be deleted:
    /// <see cref="Common.Errors.FlowRepositoryException"/> with <see cref="Common.Errors.FlowFailure.Conflict"/>.
    /// </summary>
    Task DeleteAsync(FlowId flowId, FlowCallContext context, CancellationToken cancellationToken);

    /// <summary>
    /// One page of every flow the service can see, with its status and, for flows this service created, the
    /// connection it was created for. <paramref name="page"/> is null for the first page, else the previous page's
    /// <see cref="FlowPage.Next"/>. Flows created or deleted while paging may be missed or seen twice.
    /// </summary>
    Task<FlowPage> ListAsync(string? page, int pageSize, CancellationToken cancellationToken);
}

/// <summary>A page of flows.</summary>
/// <param name="Flows">The flows on the page.</param>
/// <param name="Next">Where the next page starts, or null after the last page.</param>
public sealed record FlowPage(IReadOnlyList<FlowSummary> Flows, string? Next);

/// <summary>A flow as listed.</summary>
/// <param name="Id">The flow's id.</param>
/// <param name="Status">Its status.</param>
/// <param name="Owner">The connection it was created for, when this service created it; null otherwise.</param>
/// <param name="CreatedAt">When it was created, when known.</param>
public sealed record FlowSummary(FlowId Id, FlowStatus Status, FlowOwner? Owner, DateTimeOffset? CreatedAt);

/// <summary>The connection a flow was created for (written into the flow when it is created).</summary>
/// <param name="ConfigurationId">The configuration.</param>
/// <param name="ConnectionId">The connection.</param>
public sealed record FlowOwner(ConfigurationId ConfigurationId, ConnectionId ConnectionId);

/// <summary>What a flow is generated from: one connection of one app of one configuration.</summary>
/// <param name="ConfigurationId">The owning configuration.</param>
/// <param name="Tenant">The owning tenant.</param>
/// <param name="App">The app (adapter component, secret, fields, name).</param>
/// <param name="Connection">The connection the flow carries (direction, schema, operation, action).</param>
public sealed record FlowDefinition(ConfigurationId ConfigurationId, TenantId Tenant, App App, Connection Connection);

/// <summary>
/// Whose authority a Flow Repository call uses: the caller's bearer token for calls made on behalf of an HTTP
/// request (so flows are owned by the caller's tenant), or the configured service token when null.
/// </summary>
/// <param name="BearerToken">The caller's raw bearer token, or null for background work.</param>
public sealed record FlowCallContext(string? BearerToken)
{
    /// <summary>Background work: the service token.</summary>
    public static FlowCallContext Service { get; } = new((string?)null);

    /// <inheritdoc />
    public override string ToString() => BearerToken is null ? "service" : "caller"; // never print the token
}

/// <summary>The lifecycle status of a flow in the Flow Repository.</summary>
public enum FlowStatus
{
    /// <summary>Not running; the only status in which a flow may be changed or deleted.</summary>
    Inactive = 1,

    /// <summary>Start requested.</summary>
    Starting = 2,

    /// <summary>Running.</summary>
    Active = 3,

    /// <summary>Stop requested.</summary>
    Stopping = 4,
}
