using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Tests.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Testing;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Application.Tests.Dispatching;

public sealed class OutgoingDispatchTests
{
    [Test]
    public void The_routing_key_is_computed_once_and_follows_a_changed_dispatch()
    {
        var dispatches = RoutingTables.Of([ThreeAppExample.Build()])
            .Route(RecordEvents.From(SnazzyOut, Operation.Create)).Dispatches().ToList();
        var outgoing = new OutgoingDispatch(dispatches[0], Guid.Empty, "c", 1);

        outgoing.RoutingKey.Should().Be($"dispatch.{WiceCreate}").And.BeSameAs(outgoing.RoutingKey);
        (outgoing with { Dispatch = dispatches[1] }).RoutingKey.Should().Be($"dispatch.{OutlookCreate}");
        outgoing.Should().Be(new OutgoingDispatch(dispatches[0], Guid.Empty, "c", 1));
        IDispatchDestinations.RoutingKey(FlowId.Parse("abc")).Should().Be("dispatch.abc");
    }
}
