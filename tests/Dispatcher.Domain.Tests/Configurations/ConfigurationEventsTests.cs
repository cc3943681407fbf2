using Dispatcher.TestSupport.Domain;
using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;

namespace Dispatcher.Domain.Tests.Configurations;

public sealed class ConfigurationEventsTests
{
    private static readonly DateTimeOffset Later = DispatchConfigurationBuilder.Now.AddMinutes(5);

    [Test]
    public void Creating_raises_created()
    {
        var configuration = ThreeAppExample.Build("tenant-x");

        configuration.DomainEvents.Should().Equal(new ConfigurationCreated(configuration.Id, TenantId.Parse("tenant-x")));
        configuration.Version.Should().Be(0);
    }

    [Test]
    public void Replacing_an_app_with_a_side_switched_off_raises_its_change_once_and_only_on_real_change()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();
        var wice = configuration.Apps[1];

        configuration.SwitchSide(wice.Id, Direction.Inbound, active: false, Later);
        configuration.SwitchSide(wice.Id, Direction.Inbound, active: false, Later.AddMinutes(1));

        configuration.DomainEvents.Should().Equal(
            new AppChanged(configuration.Id, wice.Id), new SideDeactivated(configuration.Id, wice.Id, Direction.Inbound));
        configuration.FindApp(wice.Id)!.Inbound.Active.Should().BeFalse();
        configuration.UpdatedAt.Should().Be(Later);
    }

    [Test]
    public void Replacing_an_app_by_an_equal_one_changes_nothing()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();

        configuration.SwitchSide(configuration.Apps[0].Id, Direction.Outbound, active: true, Later);

        configuration.DomainEvents.Should().BeEmpty();
        configuration.UpdatedAt.Should().Be(DispatchConfigurationBuilder.Now);
    }

    [Test]
    public void Removing_an_app_raises_removed_with_the_app_and_releases_each_of_its_flows()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();
        var wice = configuration.Apps[1];

        configuration.RemoveApp(wice.Id, Later);

        configuration.Apps.Select(a => a.ApplicationUid.Value).Should().Equal("snazzy1234", "outlook9012");
        var removed = configuration.DomainEvents[0].Should().BeOfType<AppRemoved>().Subject;
        removed.App.Connections.Select(c => c.FlowId!.Value.Value)
            .Should().Equal(ThreeAppExample.WiceOut, ThreeAppExample.WiceCreate, ThreeAppExample.WiceUpdate);
        configuration.DomainEvents.Skip(1).Should().Equal(
            new FlowReleased(configuration.Id, FlowId.Parse(ThreeAppExample.WiceOut)),
            new FlowReleased(configuration.Id, FlowId.Parse(ThreeAppExample.WiceCreate)),
            new FlowReleased(configuration.Id, FlowId.Parse(ThreeAppExample.WiceUpdate)));
    }

    [Test]
    public void Assigning_the_same_flow_twice_raises_once()
    {
        var connection = Connection.Inbound(ConnectionId.New(), SchemaUri.Parse(ThreeAppExample.Person), Operation.Create);
        var configuration = new DispatchConfigurationBuilder()
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

        var wice = configuration.Apps[1];
        var released = wice.Connections.Concat(outlook.Connections).Select(c => c.FlowId!.Value).ToList();

        configuration.ReplaceApps([snazzy, changedOutlook, added], Later);

        configuration.DomainEvents.Where(e => e is not (FlowReleased or SideActivated or SideDeactivated)).Should().BeEquivalentTo(new object[]
        {
            new AppRemoved(configuration.Id, wice),
            new AppChanged(configuration.Id, outlook.Id),
            new AppAdded(configuration.Id, added.Id),
        });
        configuration.DomainEvents.OfType<FlowReleased>().Select(e => e.FlowId).Should().BeEquivalentTo(
            released, "the flows of the removed app and those the changed app no longer carries are to be removed");
    }

    [Test]
    public void Replacing_apps_with_the_same_apps_changes_nothing()
    {
        var configuration = ThreeAppExample.Build();
        configuration.ClearDomainEvents();

        configuration.ReplaceApps(configuration.Apps.ToList(), Later);

        configuration.DomainEvents.Should().BeEmpty();
        configuration.UpdatedAt.Should().Be(DispatchConfigurationBuilder.Now);
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

    [Test]
    public void Replacing_one_app_reports_its_side_switched_off_and_the_flow_of_a_dropped_connection()
    {
        var app = new AppBuilder("wice5678").Outbound(ThreeAppExample.Person, "65f0000000000000000000f1")
            .Inbound(ThreeAppExample.Person, Operation.Create, "65f0000000000000000000f2")
            .Inbound(ThreeAppExample.Person, Operation.Update, "65f0000000000000000000f3").Build();
        var configuration = new DispatchConfigurationBuilder().With(app).Build();
        configuration.ClearDomainEvents();
        var changed = App.Create(
            app.Id, app.ApplicationUid, app.ApplicationName, app.Outbound,
            AppSide.Create(Direction.Inbound, false, [app.Inbound.Connections[0]]),
            app.AdapterComponentId, app.TransformerComponentId, app.SecretId, app.Fields);

        configuration.ReplaceApp(changed, Later);

        configuration.DomainEvents.Should().Equal(
            new AppChanged(configuration.Id, app.Id),
            new SideDeactivated(configuration.Id, app.Id, Direction.Inbound),
            new FlowReleased(configuration.Id, FlowId.Parse("65f0000000000000000000f3")));
    }

    [Test]
    public void Replacing_an_app_that_is_not_there_is_refused()
    {
        var configuration = ThreeAppExample.Build();

        var replace = () => configuration.ReplaceApp(new AppBuilder("new-app").Build(), Later);

        replace.Should().Throw<DomainRuleViolationException>().Which.Rule.Should().Be(DomainRules.NotFound);
    }
}
