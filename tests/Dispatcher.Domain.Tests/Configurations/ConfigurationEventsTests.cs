using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Tests.Builders;

namespace Dispatcher.Domain.Tests.Configurations;

public sealed class ConfigurationEventsTests
{
    private static readonly DateTimeOffset Later = ConfigurationBuilder.Now.AddMinutes(5);

    [Test]
    public void Creating_raises_created()
    {
        var configuration = ThreeAppExample.Build("tenant-x");

        configuration.DomainEvents.Should().Equal(new ConfigurationCreated(configuration.Id, TenantId.Parse("tenant-x")));
        configuration.Version.Should().Be(0);
    }

    [Test]
    public void Deactivating_a_side_raises_once_and_only_on_real_change()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();
        var wice = configuration.Apps[1];

        configuration.DeactivateSide(wice.Id, Direction.Inbound, Later);
        configuration.DeactivateSide(wice.Id, Direction.Inbound, Later.AddMinutes(1));

        configuration.DomainEvents.Should().Equal(new SideDeactivated(configuration.Id, wice.Id, Direction.Inbound));
        wice.Inbound.Active.Should().BeFalse();
        configuration.UpdatedAt.Should().Be(Later);
    }

    [Test]
    public void Activating_an_active_side_changes_nothing()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();

        configuration.ActivateSide(configuration.Apps[0].Id, Direction.Outbound, Later);

        configuration.DomainEvents.Should().BeEmpty();
        configuration.UpdatedAt.Should().Be(ConfigurationBuilder.Now);
    }

    [Test]
    public void Removing_an_app_raises_removed_with_the_app_so_its_flows_can_be_deleted()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();
        var wice = configuration.Apps[1];

        configuration.RemoveApp(wice.Id, Later);

        configuration.Apps.Select(a => a.ApplicationUid.Value).Should().Equal("snazzy1234", "outlook9012");
        var removed = configuration.DomainEvents.Should().ContainSingle().Which.Should().BeOfType<AppRemoved>().Subject;
        removed.App.Connections.Select(c => c.FlowId!.Value.Value)
            .Should().Equal(ThreeAppExample.WiceOut, ThreeAppExample.WiceCreate, ThreeAppExample.WiceUpdate);
    }

    [Test]
    public void Assigning_the_same_flow_twice_raises_once()
    {
        var connection = Connection.Inbound(ConnectionId.New(), SchemaUri.Parse(ThreeAppExample.Person), Operation.Create);
        var configuration = new ConfigurationBuilder()
            .With(App.Create(AppId.New(), ApplicationUid.Parse("a"), "A", AppSide.Empty(Direction.Outbound),
                AppSide.Create(Direction.Inbound, true, [connection])))
            .Build();
        configuration.ClearDomainEvents();
        var flow = FlowId.Parse("65f0c1aa0000000000000001");

        configuration.AssignFlow(connection.Id, flow, Later);
        configuration.AssignFlow(connection.Id, flow, Later);

        configuration.DomainEvents.Should().Equal(new FlowAssigned(configuration.Id, connection.Id, flow));
        connection.FlowId.Should().Be(flow);
    }

    [Test]
    public void Replacing_apps_reports_removed_added_and_changed_apps()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();
        var snazzy = configuration.Apps[0];
        var outlook = configuration.Apps[2];
        var changedOutlook = new AppBuilder("outlook9012", "Outlook renamed").WithId(outlook.Id).Build();
        var added = new AppBuilder("google1357").Build();

        configuration.ReplaceApps([snazzy, changedOutlook, added], Later);

        configuration.DomainEvents.Should().BeEquivalentTo(new object[]
        {
            new AppRemoved(configuration.Id, configuration.DomainEvents.OfType<AppRemoved>().Single().App),
            new AppChanged(configuration.Id, outlook.Id),
            new AppAdded(configuration.Id, added.Id),
        });
        configuration.DomainEvents.OfType<AppRemoved>().Single().App.ApplicationUid.Value.Should().Be("wice5678");
    }

    [Test]
    public void Replacing_apps_with_the_same_apps_changes_nothing()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();

        configuration.ReplaceApps(configuration.Apps.ToList(), Later);

        configuration.DomainEvents.Should().BeEmpty();
        configuration.UpdatedAt.Should().Be(ConfigurationBuilder.Now);
    }

    [Test]
    public void Deleting_reports_every_flow_the_configuration_owned()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();

        configuration.MarkDeleted();

        configuration.DomainEvents.Should().ContainSingle().Which.Should().BeOfType<ConfigurationDeleted>()
            .Which.Flows.Should().HaveCount(9);
    }
}
