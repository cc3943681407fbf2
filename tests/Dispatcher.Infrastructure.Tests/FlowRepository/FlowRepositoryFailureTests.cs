using System.Diagnostics;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.TestSupport;
using Dispatcher.TestSupport.FlowRepository;
using Microsoft.Extensions.Time.Testing;
using static Dispatcher.Infrastructure.Tests.FlowRepository.FlowDefinitions;
using static Dispatcher.Infrastructure.Tests.FlowRepository.FlowRepositoryTestHost;

namespace Dispatcher.Infrastructure.Tests.FlowRepository;

/// <summary>
/// Failures become <see cref="FlowRepositoryException"/>s of the right kind, retries happen only where they are safe,
/// and a failed create never leaves a flow behind the adapter could have removed.
/// </summary>
public sealed class FlowRepositoryFailureTests
{
    [Test]
    public async Task A_500_on_the_post_is_a_failure_naming_status_and_reason_and_is_not_retried()
    {
        await using var host = await StartAsync();
        host.Fake.Fail(FlowOperation.Create, 1, 500, message: "NO DB. Please try again later");

        var create = () => host.Provisioner.CreateAsync(Outbound(), Caller, default);

        var error = (await create.Should().ThrowAsync<FlowRepositoryException>()).Which;
        error.Failure.Should().Be(FlowFailure.Failed);
        error.Message.Should().Be("The Flow Repository answered 500 to POST /flows: NO DB. Please try again later");
        host.Fake.CallsTo(FlowOperation.Create).Should().Be(1, "a create may have been carried out; it is never repeated blindly");
        host.Fake.CallsTo(FlowOperation.Update).Should().Be(0);
        host.Fake.Flows.Should().BeEmpty();
    }

    [Test]
    public async Task A_429_on_the_post_is_retried_because_the_repository_did_not_act_on_it()
    {
        await using var host = await StartAsync();
        host.Fake.Fail(FlowOperation.Create, 1, 429, message: "Too many requests");

        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);

        host.Fake.RequestsFor(FlowOperation.Create).Select(r => r.StatusCode).Should().Equal(429, 201);
        host.Fake.Flows.Should().ContainSingle(flow => flow.Id == flowId.Value);
    }

    [Test]
    public async Task A_500_on_every_patch_is_a_failure_and_the_placeholder_is_deleted()
    {
        await using var host = await StartAsync();
        host.Fake.Fail(FlowOperation.Update, 1, 500, times: 100);

        var create = () => host.Provisioner.CreateAsync(Inbound(), Caller, default);

        var error = (await create.Should().ThrowAsync<FlowRepositoryException>()).Which;
        error.Failure.Should().Be(FlowFailure.Failed);
        error.Message.Should().StartWith("The Flow Repository answered 500 to PATCH /flows/");
        host.Fake.CallsTo(FlowOperation.Update).Should().Be(4, "a PATCH is idempotent: 1 attempt + 3 retries");
        var delete = host.Fake.RequestsFor(FlowOperation.Delete).Should().ContainSingle().Subject;
        delete.StatusCode.Should().Be(200);
        delete.Token.Should().Be(CallerToken);
        host.Fake.Flows.Should().BeEmpty("no orphan placeholder");
    }

    [Test]
    public async Task A_patch_the_repository_rejects_is_not_retried_and_the_placeholder_is_deleted()
    {
        await using var host = await StartAsync();

        // The real validator rejects a component id that is not an ObjectId: 400 on the PATCH (the placeholder was fine).
        var create = () => host.Provisioner.CreateAsync(Outbound(adapterComponentId: "not-an-object-id"), Caller, default);

        var error = (await create.Should().ThrowAsync<FlowRepositoryException>()).Which;
        error.Failure.Should().Be(FlowFailure.Failed);
        error.Message.Should().Contain("answered 400 to PATCH").And.Contain("Cast to ObjectId failed");
        host.Fake.CallsTo(FlowOperation.Update).Should().Be(1);
        host.Fake.Flows.Should().BeEmpty();
    }

    [Test]
    public async Task When_the_placeholder_cannot_be_deleted_either_the_failure_says_so_and_names_it()
    {
        await using var host = await StartAsync();
        host.Fake.Fail(FlowOperation.Update, 1, 400, message: "bad graph");
        host.Fake.Fail(FlowOperation.Delete, 1, 403, message: "not yours");

        var create = () => host.Provisioner.CreateAsync(Outbound(), Caller, default);

        var error = (await create.Should().ThrowAsync<FlowRepositoryException>()).Which;
        var placeholder = host.Fake.Flows.Should().ContainSingle().Subject;
        error.Failure.Should().Be(FlowFailure.Failed);
        error.Message.Should().Contain("answered 400 to PATCH").And.Contain("bad graph")
            .And.Contain($"Its placeholder flow {placeholder.Id} could not be removed either").And.Contain("not yours");
        host.Logs.Entries.Should().Contain(entry => entry.Contains("Warning") && entry.Contains(placeholder.Id));
    }

    [TestCase(401, FlowFailure.Unauthorized)]
    [TestCase(403, FlowFailure.Unauthorized)]
    [TestCase(400, FlowFailure.Failed)]
    [TestCase(404, FlowFailure.Failed)]
    [TestCase(422, FlowFailure.Failed)]
    public async Task A_4xx_is_final_never_retried_and_mapped(int status, FlowFailure expected)
    {
        await using var host = await StartAsync();
        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);
        host.Fake.Fail(FlowOperation.Start, 1, status, times: 100, message: "refused");

        var start = () => host.Provisioner.StartAsync(flowId, Caller, default);

        var error = (await start.Should().ThrowAsync<FlowRepositoryException>()).Which;
        error.Failure.Should().Be(expected);
        error.Message.Should().Contain($"POST /flows/{flowId}/start").And.Contain(status.ToString()).And.EndWith(": refused");
        host.Fake.CallsTo(FlowOperation.Start).Should().Be(1);
    }

    [Test]
    public async Task A_404_on_get_is_no_status_and_not_retried()
    {
        await using var host = await StartAsync();

        (await host.Provisioner.GetStatusAsync(FlowId.Parse("5f0000000000000000000001"), Caller, default)).Should().BeNull();

        host.Fake.CallsTo(FlowOperation.Get).Should().Be(1);
    }

    [TestCase(500)]
    [TestCase(503)]
    [TestCase(429)]
    public async Task Transient_answers_to_a_get_are_retried(int status)
    {
        await using var host = await StartAsync();
        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);
        host.Fake.Fail(FlowOperation.Get, 1, status, times: 2);

        var result = await host.Provisioner.GetStatusAsync(flowId, Caller, default);

        result.Should().Be(FlowStatus.Inactive);
        host.Fake.RequestsFor(FlowOperation.Get).Select(r => r.StatusCode).Should().Equal(status, status, 200);
    }

    [Test]
    public async Task Start_stop_delete_and_patch_are_retried_after_a_5xx()
    {
        await using var host = await StartAsync();
        host.Fake.Fail(FlowOperation.Update, 1, 502);
        host.Fake.Fail(FlowOperation.Start, 1, 500);
        host.Fake.Fail(FlowOperation.Stop, 1, 504);
        host.Fake.Fail(FlowOperation.Delete, 1, 500);

        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);
        await host.Provisioner.StartAsync(flowId, Caller, default);
        await host.Provisioner.StopAsync(flowId, Caller, default);
        host.Fake.CompleteTransitions();
        await host.Provisioner.DeleteAsync(flowId, Caller, default);

        foreach (var operation in new[] { FlowOperation.Update, FlowOperation.Start, FlowOperation.Stop, FlowOperation.Delete })
        {
            host.Fake.CallsTo(operation).Should().Be(2, $"{operation} is idempotent");
        }

        host.Fake.CallsTo(FlowOperation.Create).Should().Be(1);
        host.Fake.Flows.Should().BeEmpty();
    }

    [Test]
    public async Task A_get_that_never_answers_is_unavailable_within_the_total_timeout()
    {
        await using var host = await StartAsync();
        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);
        host.Fake.Delay(FlowOperation.Get, 1, TimeSpan.FromSeconds(10), times: 100);
        var clock = Stopwatch.StartNew();

        var get = () => host.Provisioner.GetStatusAsync(flowId, Caller, default);

        var error = (await get.Should().ThrowAsync<FlowRepositoryException>()).Which;
        error.Failure.Should().Be(FlowFailure.Unavailable);
        error.Message.Should().Contain("could not be reached for GET /flows/").And.Contain("no answer within");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3), "FlowRepository:TimeoutSeconds is 2");
        host.Fake.CallsTo(FlowOperation.Get).Should().BeGreaterThan(1, "each timed-out attempt of a GET is retried");
    }

    [Test]
    public async Task A_post_that_times_out_is_unavailable_and_not_retried()
    {
        await using var host = await StartAsync();
        host.Fake.Delay(FlowOperation.Create, 1, TimeSpan.FromSeconds(10));

        var create = () => host.Provisioner.CreateAsync(Outbound(), Caller, default);

        (await create.Should().ThrowAsync<FlowRepositoryException>()).Which.Failure.Should().Be(FlowFailure.Unavailable);
        host.Fake.CallsTo(FlowOperation.Create).Should().Be(1, "the repository may have acted on it: a retry could duplicate the flow");
        host.Fake.Flows.Should().BeEmpty();
    }

    [Test]
    public async Task A_post_that_times_out_after_the_repository_acted_leaves_a_placeholder_that_names_its_owner()
    {
        // Documented in docs/flow-repository.md: the id of a flow whose create answer never arrived is unknown, but the
        // flow names its owner, so the reconciler finds it as an orphan.
        await using var host = await StartAsync(new Dictionary<string, string?> { ["FlowRepository:AttemptTimeoutSeconds"] = "0.1" });
        host.Fake.Delay(FlowOperation.Create, 1, TimeSpan.FromMilliseconds(300), processWhenAbandoned: true);

        var definition = Outbound();
        var create = () => host.Provisioner.CreateAsync(definition, Caller, default);

        (await create.Should().ThrowAsync<FlowRepositoryException>()).Which.Failure.Should().Be(FlowFailure.Unavailable);
        await Eventually.HoldsAsync(() => host.Fake.Flows.Count == 1, TimeSpan.FromSeconds(15), "the abandoned create carried out");
        host.Fake.CallsTo(FlowOperation.Create).Should().Be(1, "at most one such placeholder per failed create");
        var listed = await host.Provisioner.ListAsync(null, 10, default);
        listed.Flows.Should().ContainSingle().Which.Owner.Should().Be(new FlowOwner(definition.ConfigurationId, definition.Connection.Id));
    }

    [Test]
    public async Task A_repository_answering_503_is_unavailable()
    {
        await using var host = await StartAsync();
        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);
        host.Fake.GoDown();

        var get = () => host.Provisioner.GetStatusAsync(flowId, Caller, default);
        var create = () => host.Provisioner.CreateAsync(Outbound(), Caller, default);

        (await get.Should().ThrowAsync<FlowRepositoryException>()).Which.Failure.Should().Be(FlowFailure.Unavailable);
        (await create.Should().ThrowAsync<FlowRepositoryException>()).Which.Failure.Should().Be(FlowFailure.Unavailable);
        host.Fake.CallsTo(FlowOperation.Get).Should().Be(4, "a GET is retried");
        host.Fake.CallsTo(FlowOperation.Create).Should().Be(2, "a POST /flows is not");
        host.Fake.ComeBack();
        (await host.Provisioner.GetStatusAsync(flowId, Caller, default)).Should().Be(FlowStatus.Inactive);
    }

    [Test]
    public async Task A_repository_that_refuses_connections_is_unavailable_and_nothing_is_left()
    {
        await using var host = await StartAsync();
        await host.Fake.StopListeningAsync();

        var create = () => host.Provisioner.CreateAsync(Outbound(), Caller, default);

        var error = (await create.Should().ThrowAsync<FlowRepositoryException>()).Which;
        error.Failure.Should().Be(FlowFailure.Unavailable);
        error.Message.Should().Contain("could not be reached for POST /flows (connection failed)");
        host.Fake.Flows.Should().BeEmpty();
    }

    [Test]
    public async Task A_create_is_retried_when_the_connection_could_not_be_made_and_succeeds_once_the_repository_is_back()
    {
        // The pipeline's clock is the test's: the retry cannot happen before the repository listens again, and the
        // timeouts (generous here) cannot expire while real time passes.
        var time = new FakeTimeProvider();
        await using var host = await StartAsync(
            new Dictionary<string, string?>
            {
                ["FlowRepository:RetryDelaySeconds"] = "0.15",
                ["FlowRepository:AttemptTimeoutSeconds"] = "30",
                ["FlowRepository:TimeoutSeconds"] = "600",
            },
            time);
        await host.Fake.StopListeningAsync();

        var create = host.Provisioner.CreateAsync(Outbound(), Caller, default);
        await Eventually.HoldsAsync(() => create.IsCompleted || host.Logs.Entries.Any(IsRetry), "the refused create failed once");
        create.IsCompleted.Should().BeFalse("a create whose connection was refused waits for a retry");

        await host.Fake.ListenAgainAsync();
        await Eventually.HoldsAsync(
            () =>
            {
                if (host.Fake.CallsTo(FlowOperation.Create) == 0)
                {
                    time.Advance(TimeSpan.FromMilliseconds(50));
                }

                return create.IsCompleted;
            },
            "the retry reaches the repository");
        var flowId = await create;

        host.Fake.Flows.Should().ContainSingle(flow => flow.Id == flowId.Value);
        host.Fake.CallsTo(FlowOperation.Create).Should().Be(1, "the refused attempt never reached the repository");

        static bool IsRetry(string entry) => entry.Contains("OnRetry", StringComparison.Ordinal);
    }

    [Test]
    public async Task After_repeated_failures_the_circuit_opens_and_calls_fail_fast_as_unavailable()
    {
        await using var host = await StartAsync();
        var flowId = await host.Provisioner.CreateAsync(Outbound(), Caller, default);
        host.Fake.Fail(FlowOperation.Get, 1, 500, times: 1000);

        var failures = new List<FlowRepositoryException>();
        var callsSeen = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            try
            {
                await host.Provisioner.GetStatusAsync(flowId, Caller, default);
            }
            catch (FlowRepositoryException e)
            {
                failures.Add(e);
            }

            callsSeen.Add(host.Fake.CallsTo(FlowOperation.Get));
        }

        failures.Should().HaveCount(5);
        failures[0].Failure.Should().Be(FlowFailure.Failed, "a 500 is an answer");
        failures[^1].Failure.Should().Be(FlowFailure.Unavailable);
        failures[^1].Message.Should().Contain("suspended");
        callsSeen[0].Should().Be(4, "a failing GET is tried 1 + 3 times");
        callsSeen[^1].Should().Be(callsSeen[^2], "an open circuit sends nothing");
        callsSeen[^1].Should().BeLessThanOrEqualTo(12, "the circuit opens once 10 attempts are sampled and half of them failed");
    }

    [Test]
    public async Task No_token_appears_in_any_log_entry_or_exception()
    {
        await using var host = await StartAsync();
        host.Fake.Fail(FlowOperation.Update, 1, 401, message: "token expired");
        host.Fake.Fail(FlowOperation.Delete, 1, 500, times: 100);
        var errors = new List<Exception>();

        try
        {
            await host.Provisioner.CreateAsync(Outbound(), Caller, default);
        }
        catch (FlowRepositoryException e)
        {
            errors.Add(e);
        }

        await host.Fake.StopListeningAsync();
        try
        {
            await host.Provisioner.GetStatusAsync(FlowId.Parse("5f0000000000000000000002"), FlowCallContext.Service, default);
        }
        catch (FlowRepositoryException e)
        {
            errors.Add(e);
        }

        errors.Should().HaveCount(2);
        errors[0].Should().BeOfType<FlowRepositoryException>().Which.Failure.Should().Be(FlowFailure.Unauthorized);
        host.Logs.Entries.Should().NotBeEmpty();
        var everything = string.Join('\n', host.Logs.Entries.Concat(errors.Select(e => e.ToString())));
        everything.Should().NotContain(CallerToken).And.NotContain(ServiceToken);
    }
}
