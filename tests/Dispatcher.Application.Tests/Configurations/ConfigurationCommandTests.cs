using Dispatcher.Application.Configurations.DeleteConfiguration;
using Dispatcher.Application.Configurations.Models;
using Dispatcher.Application.Configurations.Provisioning;
using Dispatcher.Application.Configurations.RemoveApp;
using Dispatcher.Application.Configurations.ReplaceConfiguration;
using Dispatcher.Application.Configurations.UpdateApp;
using Dispatcher.Application.Configurations.Validation;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Tests.Support;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;
using Microsoft.Extensions.Options;
using Moq;
using static Dispatcher.Application.Tests.Configurations.Inputs;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Application.Tests.Configurations;

/// <summary>
/// The write commands end to end through <see cref="ConfigurationWriter"/>: what each stores as flow
/// work with the change (the README example as stored, every flow inactive in the fake Flow Repository).
/// </summary>
public sealed class ConfigurationCommandTests
{
    private FlowWorld _world = null!;
    private Configuration _stored = null!;

    [SetUp]
    public void SetUp()
    {
        _world = new FlowWorld();
        _stored = ThreeAppExample.Build();
        _stored.MarkPersisted();
        _stored.ClearDomainEvents();
        _world.Flows.SeedAll(_stored, FlowStatus.Inactive);
        _world.Repository.Setup(r => r.GetAsync(_stored.Tenant, _stored.Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => StoredConfigurations.Copy(_stored));
    }

    [TearDown]
    public async Task TearDown() => await _world.DisposeAsync();

    [Test]
    public async Task Updating_an_app_with_only_a_side_switched_off_stops_its_flows_and_keeps_them()
    {
        var result = await UpdateWiceAsync(new AppPatch { Inbound = new SideInput { Active = false } });

        _world.Flows.Creates.Should().BeEmpty();
        WrittenWork().Should().BeEquivalentTo(new[] { (WiceCreate, FlowWorkKind.Stop), (WiceUpdate, FlowWorkKind.Stop) });
        var wice = result.Configuration!.Applications.Single(a => a.ApplicationUid == "wice5678");
        wice.Inbound.Active.Should().BeFalse();
        wice.Inbound.Flows.Select(f => f.FlowId).Should().Equal(WiceCreate, WiceUpdate);
        wice.Outbound.Flows.Select(f => f.FlowId).Should().Equal(WiceOut);
    }

    [Test]
    public async Task Updating_an_apps_secret_replaces_the_flows_of_both_its_sides()
    {
        var wice = _stored.Apps.Single(a => a.ApplicationUid.Value == "wice5678");

        await UpdateWiceAsync(new AppPatch { SecretId = SecretId });

        _world.Flows.Creates.Select(d => d.Connection.Id).Should().Equal(wice.Connections.Select(c => c.Id), "the connections stay, with new flows");
        _world.Flows.Creates.Should().OnlyContain(d => d.App.SecretId == SecretId);
        var newOut = FakeFlowRepository.FlowFor(wice.Outbound.Connections[0]).Value;
        WrittenWork().Should().BeEquivalentTo(new[]
        {
            (WiceOut, FlowWorkKind.Remove),
            (WiceCreate, FlowWorkKind.Remove),
            (WiceUpdate, FlowWorkKind.Remove),
            (newOut, FlowWorkKind.Start),
            (FakeFlowRepository.FlowFor(wice.Inbound.Connections[0]).Value, FlowWorkKind.DeclareDestination),
            (FakeFlowRepository.FlowFor(wice.Inbound.Connections[1]).Value, FlowWorkKind.DeclareDestination),
        });
    }

    [Test]
    public async Task Updating_an_app_to_switch_its_outbound_side_on_starts_the_sides_flow()
    {
        var outlook = _stored.Apps.Single(a => a.ApplicationUid.Value == "outlook9012");

        await new UpdateAppHandler(_world.Repository.Object, _world.Writer, new ConfigurationLimits(Options.Create(new ConfigurationLimitOptions())), _world.Time).Handle(
            new UpdateApp(AnyCaller, _stored.Id.Value, outlook.Id.Value, new AppPatch { Outbound = new SideInput { Active = true } }),
            CancellationToken.None);

        WrittenWork().Should().Equal((OutlookOut, FlowWorkKind.Start));
        await _world.RunDueAsync();
        _world.Flows.Done("start").Should().Equal(OutlookOut);
    }

    [Test]
    public async Task Removing_an_app_queues_the_removal_of_its_flows_with_the_change()
    {
        var wice = _stored.Apps.Single(a => a.ApplicationUid.Value == "wice5678");

        var result = await new RemoveAppHandler(_world.Repository.Object, _world.Writer, _world.Time).Handle(
            new RemoveApp(AnyCaller, _stored.Id.Value, wice.Id.Value), CancellationToken.None);

        WrittenWork().Should().BeEquivalentTo(new[] { (WiceOut, FlowWorkKind.Remove), (WiceCreate, FlowWorkKind.Remove), (WiceUpdate, FlowWorkKind.Remove) });
        result.PendingCleanup.Should().BeEquivalentTo(WiceOut, WiceCreate, WiceUpdate);
        result.Configuration!.Applications.Should().HaveCount(2);
    }

    [Test]
    public async Task Deleting_a_configuration_queues_the_removal_of_all_its_flows_with_the_delete()
    {
        await new DeleteConfigurationHandler(_world.Repository.Object, _world.Writer).Handle(new DeleteConfiguration(AnyCaller, _stored.Id.Value), CancellationToken.None);

        _world.Queue.Writes.Should().ContainSingle().Which.Source.Should().Be("Delete");
        WrittenWork().Should().HaveCount(9).And.OnlyContain(w => w.Kind == FlowWorkKind.Remove);
    }

    [Test]
    public async Task Replacing_a_configuration_without_one_connection_removes_only_that_connections_flow()
    {
        var input = ConfigurationMapping.ToInput(_stored.Apps.Single(a => a.ApplicationUid.Value == "wice5678"));
        input = input with { Inbound = input.Inbound! with { Flows = [input.Inbound.Flows![0]] } }; // drop UPDATE
        var apps = _stored.Apps.Select(a => a.ApplicationUid.Value == "wice5678" ? input : ConfigurationMapping.ToInput(a)).ToArray();

        await new ReplaceConfigurationHandler(_world.Repository.Object, _world.Writer, new ConfigurationLimits(Options.Create(new ConfigurationLimitOptions())), _world.Time).Handle(
            new ReplaceConfiguration(AnyCaller, _stored.Id.Value, new ConfigurationInput { Name = _stored.Name, DataModel = _stored.DataModel, Applications = apps }),
            CancellationToken.None);

        _world.Flows.Creates.Should().BeEmpty();
        WrittenWork().Should().Equal((WiceUpdate, FlowWorkKind.Remove));
    }

    private Task<ConfigurationChangeResult> UpdateWiceAsync(AppPatch patch) =>
        new UpdateAppHandler(_world.Repository.Object, _world.Writer, new ConfigurationLimits(Options.Create(new ConfigurationLimitOptions())), _world.Time).Handle(
            new UpdateApp(AnyCaller, _stored.Id.Value, _stored.Apps.Single(a => a.ApplicationUid.Value == "wice5678").Id.Value, patch),
            CancellationToken.None).AsTask();

    /// <summary>The flow work stored with the (single) repository write.</summary>
    private IEnumerable<(string FlowId, FlowWorkKind Kind)> WrittenWork() =>
        _world.Queue.Writes.Should().ContainSingle().Subject.Work.Select(w => (w.FlowId.Value, w.Kind));
}
