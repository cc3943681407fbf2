using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.FlowRepository;
using Dispatcher.TestSupport;
using Dispatcher.TestSupport.FlowRepository;
using static Dispatcher.Infrastructure.Tests.FlowRepository.FlowDefinitions;
using static Dispatcher.Infrastructure.Tests.FlowRepository.FlowRepositoryTestHost;

namespace Dispatcher.Infrastructure.Tests.FlowRepository;

/// <summary>The adapter's happy paths: create, status, start, stop, delete, and whose token each call carries.</summary>
public sealed class FlowRepositoryProvisionerTests
{
    [Test]
    public async Task Create_posts_a_placeholder_then_patches_the_graph_with_the_new_id_and_leaves_one_inactive_flow()
    {
        await using var host = await StartAsync();

        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);

        host.Provisioner.Should().BeOfType<FlowRepositoryProvisioner>();
        host.Fake.Requests.Select(r => (r.Operation, r.StatusCode)).Should().Equal(
            (FlowOperation.Create, 201), (FlowOperation.Update, 200));
        var flow = host.Fake.Flows.Should().ContainSingle().Subject;
        flow.Id.Should().Be(flowId.Value);
        flow.Status.Should().Be("inactive");
        flow.Name.Should().Be("H&S Outbound Flow for SnazzyContacts");
        flow.Node("step_2")["fields"]!["flowId"]!.GetValue<string>().Should().Be(flowId.Value);
    }

    [Test]
    public async Task Calls_for_a_caller_carry_the_callers_token_and_background_calls_the_service_token()
    {
        await using var host = await StartAsync();
        var provisioner = host.Provisioner;

        var callers = await provisioner.CreateAsync(Outbound(), Caller, default);
        await provisioner.GetStatusAsync(callers, Caller, default);
        await provisioner.StartAsync(callers, FlowCallContext.Service, default);
        await provisioner.GetStatusAsync(callers, FlowCallContext.Service, default);
        var services = await provisioner.CreateAsync(Inbound(), FlowCallContext.Service, default);

        host.Fake.Requests.Select(r => (r.Operation, r.Token)).Should().Equal(
            (FlowOperation.Create, CallerToken), (FlowOperation.Update, CallerToken), (FlowOperation.Get, CallerToken),
            (FlowOperation.Start, ServiceToken), (FlowOperation.Get, ServiceToken),
            (FlowOperation.Create, ServiceToken), (FlowOperation.Update, ServiceToken));
        host.Fake.Flow(callers.Value).OwnerToken.Should().Be(CallerToken);
        host.Fake.Flow(services.Value).OwnerToken.Should().Be(ServiceToken);
    }

    [Test]
    public async Task Status_follows_the_lifecycle_and_an_unknown_flow_has_none()
    {
        await using var host = await StartAsync();
        var provisioner = host.Provisioner;
        var flowId = await provisioner.CreateAsync(Inbound(), Caller, default);

        var created = await provisioner.GetStatusAsync(flowId, Caller, default);
        await provisioner.StartAsync(flowId, Caller, default);
        var starting = await provisioner.GetStatusAsync(flowId, Caller, default);
        host.Fake.CompleteTransitions();
        var active = await provisioner.GetStatusAsync(flowId, Caller, default);
        await provisioner.StopAsync(flowId, Caller, default);
        var stopping = await provisioner.GetStatusAsync(flowId, Caller, default);
        host.Fake.CompleteTransitions();
        var stopped = await provisioner.GetStatusAsync(flowId, Caller, default);

        new[] { created, starting, active, stopping, stopped }.Should().Equal(
            FlowStatus.Inactive, FlowStatus.Starting, FlowStatus.Active, FlowStatus.Stopping, FlowStatus.Inactive);
        (await provisioner.GetStatusAsync(FlowId.Parse("5f0000000000000000000000"), Caller, default)).Should().BeNull();
    }

    [Test]
    public async Task A_flow_of_another_owner_is_invisible_to_the_caller_but_visible_to_the_service_token()
    {
        await using var host = await StartAsync();
        var othersFlow = FlowId.Parse(host.Fake.AddFlow("someone-else"));

        (await host.Provisioner.GetStatusAsync(othersFlow, Caller, default)).Should().BeNull();
        (await host.Provisioner.GetStatusAsync(othersFlow, FlowCallContext.Service, default)).Should().Be(FlowStatus.Inactive);
    }

    [Test]
    public async Task Transitions_complete_by_themselves_after_the_fakes_delay()
    {
        await using var host = await StartAsync();
        host.Fake.TransitionDelay = TimeSpan.FromMilliseconds(50);
        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);

        await host.Provisioner.StartAsync(flowId, Caller, default);

        await Eventually.HoldsAsync(() => host.Fake.Flow(flowId.Value).Status == "active", "flow active");
        (await host.Provisioner.GetStatusAsync(flowId, Caller, default)).Should().Be(FlowStatus.Active);
    }

    [Test]
    public async Task Delete_removes_an_inactive_flow_and_a_missing_flow_counts_as_deleted()
    {
        await using var host = await StartAsync();
        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);

        await host.Provisioner.DeleteAsync(flowId, Caller, default);
        await host.Provisioner.DeleteAsync(flowId, Caller, default);

        host.Fake.Flows.Should().BeEmpty();
        host.Fake.RequestsFor(FlowOperation.Delete).Select(r => r.StatusCode).Should().Equal(200, 404);
    }

    [Test]
    public async Task Deleting_a_flow_that_is_not_inactive_is_a_conflict_and_it_stays()
    {
        await using var host = await StartAsync();
        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);
        await host.Provisioner.StartAsync(flowId, Caller, default);

        var delete = () => host.Provisioner.DeleteAsync(flowId, Caller, default);

        (await delete.Should().ThrowAsync<FlowRepositoryException>()).Which.Should().Match<FlowRepositoryException>(e =>
            e.Failure == FlowFailure.Conflict && e.Message.Contains("Current status: starting"));
        host.Fake.Flows.Should().ContainSingle();
        host.Fake.CallsTo(FlowOperation.Delete).Should().Be(1, "a 409 is final");
    }

    [Test]
    public async Task An_injected_409_on_delete_is_a_conflict_too()
    {
        await using var host = await StartAsync();
        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);
        host.Fake.Fail(FlowOperation.Delete, 1, 409, message: "Flow is not inactive. Current status: active");

        var delete = () => host.Provisioner.DeleteAsync(flowId, Caller, default);

        (await delete.Should().ThrowAsync<FlowRepositoryException>()).Which.Failure.Should().Be(FlowFailure.Conflict);
    }

    [Test]
    public async Task A_caller_that_gives_up_during_a_create_still_gets_the_id_so_it_can_roll_the_flow_back()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["FlowRepository:AttemptTimeoutSeconds"] = "1.5" });
        host.Fake.Delay(FlowOperation.Create, 1, TimeSpan.FromMilliseconds(300));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, cancel.Token);

        cancel.IsCancellationRequested.Should().BeTrue();
        host.Fake.Flows.Should().ContainSingle(flow => flow.Id == flowId.Value && flow.Nodes.Count == 2);
    }

    [Test]
    public async Task A_create_that_is_cancelled_before_it_starts_sends_nothing()
    {
        await using var host = await StartAsync();

        var create = () => host.Provisioner.CreateAsync(Outbound(), Caller, new CancellationToken(canceled: true));

        await create.Should().ThrowAsync<OperationCanceledException>();
        host.Fake.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task A_cancelled_status_call_is_a_cancellation_not_a_repository_failure()
    {
        await using var host = await StartAsync();
        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);
        host.Fake.Delay(FlowOperation.Get, 1, TimeSpan.FromSeconds(1));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        var get = () => host.Provisioner.GetStatusAsync(flowId, Caller, cancel.Token);

        await get.Should().ThrowAsync<OperationCanceledException>();
    }

    [Test]
    public async Task Listing_pages_through_the_repository_with_the_service_token_and_reads_each_flows_owner()
    {
        await using var host = await StartAsync();
        var definitions = Enumerable.Range(0, 3).Select(_ => Outbound()).ToList();
        foreach (var definition in definitions)
        {
            await host.Provisioner.CreateAsync(definition, Caller, default);
        }

        var byHand = host.Fake.AddFlow(ServiceToken, name: "Made by hand");

        var first = await host.Provisioner.ListAsync(null, 3, default);
        var second = await host.Provisioner.ListAsync(first.Next, 3, default);
        var past = await host.Provisioner.ListAsync("3", 3, default);

        first.Flows.Select(f => f.Owner).Should().Equal(definitions.Select(d => new FlowOwner(d.ConfigurationId, d.Connection.Id)));
        first.Flows.Should().OnlyContain(f => f.Status == FlowStatus.Inactive && f.CreatedAt != null);
        first.Next.Should().Be("2");
        second.Flows.Should().ContainSingle().Which.Should().Match<FlowSummary>(f => f.Id.Value == byHand && f.Owner == null);
        second.Next.Should().BeNull("a short page is the last");
        past.Flows.Should().BeEmpty("the repository answers 404 past the last page");
        past.Next.Should().BeNull();
        host.Fake.RequestsFor(FlowOperation.List).Should().HaveCount(3).And.OnlyContain(r => r.Token == ServiceToken);
    }
}
