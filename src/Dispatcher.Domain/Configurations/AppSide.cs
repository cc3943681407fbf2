using Dispatcher.Domain.Common;

namespace Dispatcher.Domain.Configurations;

/// <summary>One side (outbound or inbound) of an app: whether it is active, and its connections.</summary>
public sealed class AppSide
{
    private readonly List<Connection> _connections;

    private AppSide(Direction direction, bool active, List<Connection> connections)
    {
        Direction = direction;
        Active = active;
        _connections = connections;
    }

    /// <summary>Which side this is.</summary>
    public Direction Direction { get; }

    /// <summary>Whether the side takes part in routing.</summary>
    public bool Active { get; }

    /// <summary>The side's connections, in the order given.</summary>
    public IReadOnlyList<Connection> Connections => _connections;

    /// <summary>
    /// Creates a side. Every connection must belong to this direction
    /// (<see cref="DomainRules.ConnectionOperation"/>) and no two may be identical (<see cref="DomainRules.ConnectionUnique"/>).
    /// </summary>
    public static AppSide Create(Direction direction, bool active, IEnumerable<Connection>? connections = null)
    {
        var list = connections?.ToList() ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            var connection = list[i];
            if (connection.Direction != direction)
            {
                throw new DomainRuleViolationException(
                    DomainRules.ConnectionOperation,
                    direction == Direction.Inbound
                        ? "An inbound connection needs an operation (CREATE, UPDATE or DELETE)."
                        : "An outbound connection has no operation.");
            }

            for (var j = 0; j < i; j++)
            {
                if (list[j].HasSameDefinitionAs(connection))
                {
                    throw new DomainRuleViolationException(
                        DomainRules.ConnectionUnique,
                        $"Two identical {direction.ToString().ToLowerInvariant()} connections for schema " +
                        $"'{connection.SchemaUri}'{(connection.Operation is { } op ? $" and operation {op}" : string.Empty)}.");
                }
            }
        }

        return new AppSide(direction, active, list);
    }

    /// <summary>An inactive side without connections.</summary>
    public static AppSide Empty(Direction direction) => new(direction, false, []);

    /// <summary>True when both sides have the same activity and the same connections (ids, definitions, flows).</summary>
    internal bool IsSameAs(AppSide other) =>
        Active == other.Active
        && _connections.Count == other._connections.Count
        && _connections.Zip(other._connections).All(p =>
            p.First.Id == p.Second.Id && p.First.FlowId == p.Second.FlowId && p.First.HasSameDefinitionAs(p.Second));
}
