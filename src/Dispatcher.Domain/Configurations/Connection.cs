using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>
/// One data channel of an app: a schema, for inbound connections an operation, the adapter's action, and the id of
/// the integration flow that carries it once provisioned.
/// </summary>
public sealed class Connection
{
    private Connection(
        ConnectionId id, Direction direction, SchemaUri schemaUri, Operation? operation,
        string? adapterAction, string? transformerAction, FlowId? flowId)
    {
        Id = id;
        Direction = direction;
        SchemaUri = schemaUri;
        Operation = operation;
        AdapterAction = adapterAction;
        TransformerAction = transformerAction;
        FlowId = flowId;
    }

    /// <summary>The connection's id (the original's nested <c>_id</c>).</summary>
    public ConnectionId Id { get; }

    /// <summary>Which side of the app the connection is on.</summary>
    public Direction Direction { get; }

    /// <summary>The data schema carried.</summary>
    public SchemaUri SchemaUri { get; }

    /// <summary>The accepted operation; set for inbound connections, null for outbound ones.</summary>
    public Operation? Operation { get; }

    /// <summary>The adapter function the flow calls.</summary>
    public string? AdapterAction { get; }

    /// <summary>The transformer function (stored for compatibility; not used by generated flows).</summary>
    public string? TransformerAction { get; }

    /// <summary>The provisioned flow, or null until provisioned.</summary>
    public FlowId? FlowId { get; private set; }

    /// <summary>True once a flow has been provisioned for the connection.</summary>
    public bool IsProvisioned => FlowId is not null;

    /// <summary>
    /// Creates a connection. An inbound connection must have exactly one operation and an outbound one none
    /// (<see cref="DomainRules.ConnectionOperation"/>).
    /// </summary>
    public static Connection Create(
        ConnectionId id, Direction direction, SchemaUri schemaUri, Operation? operation,
        string? adapterAction = null, string? transformerAction = null, FlowId? flowId = null)
    {
        ArgumentNullException.ThrowIfNull(schemaUri);
        switch (direction)
        {
            case Direction.Inbound when operation is null:
                throw new DomainRuleViolationException(
                    DomainRules.ConnectionOperation, "An inbound connection needs an operation (CREATE, UPDATE or DELETE).");
            case Direction.Outbound when operation is not null:
                throw new DomainRuleViolationException(
                    DomainRules.ConnectionOperation, "An outbound connection has no operation.");
        }

        if (operation is { } op && !Enum.IsDefined(op))
        {
            throw new DomainRuleViolationException(DomainRules.ConnectionOperation, $"Unknown operation '{op}'.");
        }

        return new Connection(
            id, direction, schemaUri, operation, Guard.Optional(adapterAction), Guard.Optional(transformerAction), flowId);
    }

    /// <summary>An outbound (app → hub) connection.</summary>
    public static Connection Outbound(
        ConnectionId id, SchemaUri schemaUri, string? adapterAction = null, string? transformerAction = null,
        FlowId? flowId = null) =>
        Create(id, Direction.Outbound, schemaUri, null, adapterAction, transformerAction, flowId);

    /// <summary>An inbound (hub → app) connection for one operation.</summary>
    public static Connection Inbound(
        ConnectionId id, SchemaUri schemaUri, Operation operation, string? adapterAction = null,
        string? transformerAction = null, FlowId? flowId = null) =>
        Create(id, Direction.Inbound, schemaUri, operation, adapterAction, transformerAction, flowId);

    /// <summary>
    /// True when both connections describe the same channel: same direction, schema, operation, adapter and
    /// transformer action. Two such connections on one side would provision two flows doing the same work.
    /// </summary>
    public bool HasSameDefinitionAs(Connection other) =>
        Direction == other.Direction
        && SchemaUri.Equals(other.SchemaUri)
        && Operation == other.Operation
        && string.Equals(AdapterAction, other.AdapterAction, StringComparison.Ordinal)
        && string.Equals(TransformerAction, other.TransformerAction, StringComparison.Ordinal);

    internal bool AssignFlow(FlowId flowId)
    {
        if (FlowId == flowId)
        {
            return false;
        }

        FlowId = flowId;
        return true;
    }

    internal bool ClearFlow()
    {
        if (FlowId is null)
        {
            return false;
        }

        FlowId = null;
        return true;
    }
}
