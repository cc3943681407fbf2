using Dispatcher.TestSupport.Domain;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Application.Tests.Configurations.Provisioning;

/// <summary><see cref="FlowWorkPlan"/>: the domain events of a change → one piece of flow work per flow.</summary>
public sealed class FlowWorkPlanTests
{
    private static readonly DateTimeOffset Now = DispatchConfigurationBuilder.Now;
    private static readonly DateTimeOffset Later = Now.AddMinutes(5);

    [Test]
    public void No_events_no_work()
    {
        FlowWorkPlan.For(Stored(), Later).Should().BeEmpty();
    }

    [Test]
    public void Events_without_flow_consequences_give_no_work()
    {
        var configuration = Stored();
        configuration.ChangeDetails("Renamed", "domain-2", Now);
        configuration.AddApp(new AppBuilder("crm42").Outbound(Person).Inbound(Person, Operation.Create).Build(), Now); // no flows yet

        configuration.DomainEvents.Should().HaveCount(2);
        FlowWorkPlan.For(configuration, Later).Should().BeEmpty();
    }

    [Test]
    public void A_released_flow_is_removed()
    {
        var configuration = Stored();
        configuration.RemoveApp(AppOf(configuration, "wice5678").Id, Now);

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind>
        {
            [WiceOut] = FlowWorkKind.Remove,
            [WiceCreate] = FlowWorkKind.Remove,
            [WiceUpdate] = FlowWorkKind.Remove,
        });
    }

    [Test]
    public void A_flow_that_vanished_and_was_unassigned_is_removed()
    {
        var configuration = Stored();
        configuration.UnassignFlow(ConnectionWith(configuration, WiceCreate).Id, Now);

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind> { [WiceCreate] = FlowWorkKind.Remove });
    }

    [Test]
    public void A_deleted_configuration_has_every_flow_removed()
    {
        var configuration = Stored();
        configuration.MarkDeleted();

        var work = FlowWorkPlan.For(configuration, Later);

        work.Select(w => w.FlowId.Value).Should().BeEquivalentTo(
            SnazzyOut, SnazzyCreate, SnazzyUpdate, WiceOut, WiceCreate, WiceUpdate, OutlookOut, OutlookCreate, OutlookUpdate);
        work.Should().OnlyContain(w => w.Kind == FlowWorkKind.Remove);
    }

    [Test]
    public void Every_piece_of_work_carries_the_tenant_the_configuration_and_the_time_of_the_change()
    {
        var configuration = Stored("tenant-b");
        configuration.MarkDeleted();

        FlowWorkPlan.For(configuration, Later).Should().OnlyContain(w =>
            w.Tenant == TenantId.Parse("tenant-b") && w.ConfigurationId == configuration.Id && w.RequestedAt == Later);
    }

    [Test]
    public void A_flow_assigned_on_an_active_outbound_side_is_started_and_on_an_active_inbound_side_gets_its_destination()
    {
        var configuration = Unprovisioned();
        var snazzy = AppOf(configuration, "snazzy1234");
        configuration.AssignFlow(snazzy.Outbound.Connections[0].Id, FlowId.Parse("new-out"), Now);
        configuration.AssignFlow(snazzy.Inbound.Connections[0].Id, FlowId.Parse("new-in"), Now);

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind>
        {
            ["new-out"] = FlowWorkKind.Start,
            ["new-in"] = FlowWorkKind.DeclareDestination,
        });
    }

    [Test]
    public void A_flow_assigned_on_an_inactive_side_gets_no_work()
    {
        var configuration = Unprovisioned();
        configuration.AssignFlow(AppOf(configuration, "outlook9012").Outbound.Connections[0].Id, FlowId.Parse("new-out"), Now);

        FlowWorkPlan.For(configuration, Later).Should().BeEmpty();
    }

    [Test]
    public void An_outbound_side_switched_on_has_its_flows_started()
    {
        var configuration = Stored();
        configuration.SwitchSide(AppOf(configuration, "outlook9012").Id, Direction.Outbound, active: true, Now);

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind> { [OutlookOut] = FlowWorkKind.Start });
    }

    [Test]
    public void An_inbound_side_switched_on_has_the_destinations_of_its_flows_declared()
    {
        var configuration = Stored();
        var wice = AppOf(configuration, "wice5678");
        configuration.SwitchSide(wice.Id, Direction.Inbound, active: false, Now);
        configuration.ClearDomainEvents();
        configuration.SwitchSide(wice.Id, Direction.Inbound, active: true, Now);

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind>
        {
            [WiceCreate] = FlowWorkKind.DeclareDestination,
            [WiceUpdate] = FlowWorkKind.DeclareDestination,
        });
    }

    [Test]
    public void A_side_switched_off_has_its_flows_stopped()
    {
        var configuration = Stored();
        configuration.SwitchSide(AppOf(configuration, "snazzy1234").Id, Direction.Outbound, active: false, Now);

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind> { [SnazzyOut] = FlowWorkKind.Stop });
    }

    [Test]
    public void A_side_switched_off_and_on_again_in_one_change_is_judged_by_its_final_state()
    {
        var configuration = Stored();
        var wice = AppOf(configuration, "wice5678");
        configuration.SwitchSide(wice.Id, Direction.Outbound, active: false, Now);
        configuration.SwitchSide(wice.Id, Direction.Outbound, active: true, Now);

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind> { [WiceOut] = FlowWorkKind.Start });
    }

    [Test]
    public void A_side_switched_on_and_off_again_in_one_change_is_judged_by_its_final_state()
    {
        var configuration = Stored();
        var outlook = AppOf(configuration, "outlook9012");
        configuration.SwitchSide(outlook.Id, Direction.Outbound, active: true, Now);
        configuration.SwitchSide(outlook.Id, Direction.Outbound, active: false, Now);

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind> { [OutlookOut] = FlowWorkKind.Stop });
    }

    [Test]
    public void A_flow_assigned_while_its_side_was_switched_off_later_in_the_change_is_only_stopped()
    {
        var configuration = Unprovisioned();
        var snazzy = AppOf(configuration, "snazzy1234");
        configuration.AssignFlow(snazzy.Outbound.Connections[0].Id, FlowId.Parse("new-out"), Now);
        configuration.SwitchSide(snazzy.Id, Direction.Outbound, active: false, Now);

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind> { ["new-out"] = FlowWorkKind.Stop });
    }

    [Test]
    public void Removal_outweighs_earlier_work_for_the_same_flow()
    {
        var configuration = Stored();
        var wice = AppOf(configuration, "wice5678");
        configuration.SwitchSide(wice.Id, Direction.Inbound, active: false, Now); // stop WiceCreate, WiceUpdate …
        configuration.RemoveApp(wice.Id, Now); // … then remove the app

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind>
        {
            [WiceOut] = FlowWorkKind.Remove,
            [WiceCreate] = FlowWorkKind.Remove,
            [WiceUpdate] = FlowWorkKind.Remove,
        });
    }

    [Test]
    public void Removal_outweighs_later_work_for_the_same_flow()
    {
        var configuration = Stored();
        var connection = ConnectionWith(configuration, SnazzyOut);
        configuration.UnassignFlow(connection.Id, Now); // remove SnazzyOut …
        configuration.AssignFlow(connection.Id, FlowId.Parse(SnazzyOut), Now); // … then (start) it again

        configuration.DomainEvents.Should().HaveCount(2);
        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind> { [SnazzyOut] = FlowWorkKind.Remove });
    }

    [Test]
    public void Replacing_an_apps_settings_removes_its_old_flows_and_the_new_ones_are_started_once_assigned()
    {
        var configuration = Stored();
        var wice = AppOf(configuration, "wice5678");
        var redefined = App.Create(
            wice.Id, wice.ApplicationUid, wice.ApplicationName,
            AppSide.Create(Direction.Outbound, true, wice.Outbound.Connections.Select(WithoutFlow)),
            AppSide.Create(Direction.Inbound, false, wice.Inbound.Connections.Select(WithoutFlow)),
            wice.AdapterComponentId, wice.TransformerComponentId, "5d2484d2a422ca001bda5691", wice.Fields);
        configuration.ReplaceApp(redefined, Now);
        configuration.AssignFlow(wice.Outbound.Connections[0].Id, FlowId.Parse("wice-out-2"), Now);

        Plan(configuration).Should().BeEquivalentTo(new Dictionary<string, FlowWorkKind>
        {
            [WiceOut] = FlowWorkKind.Remove,
            [WiceCreate] = FlowWorkKind.Remove,
            [WiceUpdate] = FlowWorkKind.Remove,
            ["wice-out-2"] = FlowWorkKind.Start,
        }, "the inbound side was switched off, but its flows are released, not stopped");
    }

    [Test]
    public void There_is_one_piece_of_work_per_flow()
    {
        var configuration = Stored();
        var wice = AppOf(configuration, "wice5678");
        configuration.SwitchSide(wice.Id, Direction.Inbound, active: false, Now);
        configuration.SwitchSide(wice.Id, Direction.Inbound, active: true, Now);
        configuration.SwitchSide(wice.Id, Direction.Inbound, active: false, Now);

        var work = FlowWorkPlan.For(configuration, Later);

        work.Select(w => w.FlowId).Should().OnlyHaveUniqueItems().And.HaveCount(2);
        work.Should().OnlyContain(w => w.Kind == FlowWorkKind.Stop);
    }

    // ---- helpers ----

    private static Dictionary<string, FlowWorkKind> Plan(Configuration configuration)
    {
        var work = FlowWorkPlan.For(configuration, Later);
        work.Select(w => w.FlowId).Should().OnlyHaveUniqueItems();
        return work.ToDictionary(w => w.FlowId.Value, w => w.Kind);
    }

    /// <summary>The README example as loaded from the store: every connection provisioned, no pending events.</summary>
    private static Configuration Stored(string tenant = "tenant-a")
    {
        var configuration = ThreeAppExample.Build(tenant);
        configuration.MarkPersisted();
        configuration.ClearDomainEvents();
        return configuration;
    }

    /// <summary>The README example without flows (Outlook's outbound side off), no pending events.</summary>
    private static Configuration Unprovisioned()
    {
        var configuration = new DispatchConfigurationBuilder()
            .With(new AppBuilder("snazzy1234").Outbound(Person).Inbound(Person, Operation.Create).Inbound(Person, Operation.Update))
            .With(new AppBuilder("wice5678").Outbound(Person).Inbound(Person, Operation.Create).Inbound(Person, Operation.Update))
            .With(new AppBuilder("outlook9012").Outbound(Person).OutboundInactive().Inbound(Person, Operation.Create).Inbound(Person, Operation.Update))
            .Build();
        configuration.ClearDomainEvents();
        return configuration;
    }

    private static Connection WithoutFlow(Connection c) =>
        Connection.Create(c.Id, c.Direction, c.SchemaUri, c.Operation, c.AdapterAction, c.TransformerAction);

    private static App AppOf(Configuration configuration, string applicationUid) =>
        configuration.Apps.Single(a => a.ApplicationUid.Value == applicationUid);

    private static Connection ConnectionWith(Configuration configuration, string flowId) =>
        configuration.Apps.SelectMany(a => a.Connections).Single(c => c.FlowId == FlowId.Parse(flowId));
}
