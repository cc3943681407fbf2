using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Application.Tests.Routing;

/// <summary>A routing table filled through its real entry point (<see cref="RoutingTable.Upsert"/>), as the loader does.</summary>
internal static class RoutingTables
{
    public static RoutingTable Of(IEnumerable<Configuration> configurations)
    {
        var table = new RoutingTable();
        foreach (var configuration in configurations)
        {
            table.Upsert(configuration);
        }

        return table;
    }
}
