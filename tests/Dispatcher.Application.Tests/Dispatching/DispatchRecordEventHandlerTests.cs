using Dispatcher.Application.Abstractions;
using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Tests.Support;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Application.Tests.Dispatching;

public sealed class DispatchRecordEventHandlerTests
{
    private readonly List<string> _calls = [];
    private List<OutgoingDispatch> _published = null!;
    private DispatchRecordEventHandler _handler = null!;

    [SetUp]
    public void SetUp()
    {
        _calls.Clear();
        _published = [];
        var flows = new Mock<IFlowProvisioner>();
        flows.Setup(f => f.GetStatusAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FlowStatus.Inactive);
        flows.Setup(f => f.StartAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>()))
            .Returns((FlowId id, FlowCallContext _, CancellationToken _) => Record($"start {id}"));
        var destinations = new Mock<IDispatchDestinations>();
        destinations.Setup(d => d.EnsureAsync(It.IsAny<FlowId>(), It.IsAny<CancellationToken>()))
            .Returns((FlowId id, CancellationToken _) => Record($"ensure {id}"));
        var publisher = new Mock<IDispatchPublisher>();
        publisher.Setup(p => p.PublishAsync(It.IsAny<IReadOnlyList<OutgoingDispatch>>(), It.IsAny<CancellationToken>()))
            .Returns((IReadOnlyList<OutgoingDispatch> d, CancellationToken _) =>
            {
                _published.AddRange(d);
                return Record("publish");
            });
        var time = new FakeTimeProvider();
        var options = Options.Create(new DispatchOptions { MaxHops = 3 });
        _handler = new DispatchRecordEventHandler(
            RoutingTable.Build([ThreeAppExample.Build()]),
            Activations.For(flows.Object, time, options),
            destinations.Object, publisher.Object, options, new DispatcherMetrics());
    }

    [Test]
    public async Task Targets_are_started_and_their_destinations_ensured_before_anything_is_published()
    {
        var result = await _handler.Handle(new DispatchRecordEvent(RecordEvents.From(SnazzyOut, Operation.Create), "event-1", "corr-1", 0), default);

        result.Should().Be(new DispatchResult(RoutingOutcome.Routed, 2));
        _calls.Should().Equal(
            $"start {WiceCreate}", $"start {OutlookCreate}", $"ensure {WiceCreate}", $"ensure {OutlookCreate}", "publish");
        _published.Select(p => p.RoutingKey).Should().Equal($"dispatch.{WiceCreate}", $"dispatch.{OutlookCreate}");
        _published.Should().OnlyContain(p => p.CorrelationId == "corr-1" && p.HopCount == 1);
    }

    [Test]
    public async Task Message_ids_are_deterministic_per_event_and_target()
    {
        var recordEvent = RecordEvents.From(SnazzyOut, Operation.Create);
        await _handler.Handle(new DispatchRecordEvent(recordEvent, "event-1", "c", 0), default);
        await _handler.Handle(new DispatchRecordEvent(recordEvent, "event-1", "c", 0), default);
        await _handler.Handle(new DispatchRecordEvent(recordEvent, "event-2", "c", 0), default);

        var ids = _published.Select(p => p.MessageId).ToList();
        ids[0].Should().Be(ids[2]).And.NotBe(ids[1]);
        ids[1].Should().Be(ids[3]);
        ids[4].Should().NotBe(ids[0]);
        ids[0].Should().Be(MessageIds.ForDispatch("event-1", FlowId.Parse(WiceCreate)));
    }

    [Test]
    public async Task An_unrouted_event_publishes_nothing_and_says_why()
    {
        var result = await _handler.Handle(new DispatchRecordEvent(RecordEvents.From(OutlookOut, Operation.Create), "e", "c", 0), default);

        result.Should().Be(new DispatchResult(RoutingOutcome.SourceInactive, 0));
        _calls.Should().BeEmpty();
    }

    [Test]
    public async Task An_event_at_the_hop_limit_is_a_permanent_failure()
    {
        var act = async () => await _handler.Handle(new DispatchRecordEvent(RecordEvents.From(SnazzyOut, Operation.Create), "e", "c", 3), default);

        (await act.Should().ThrowAsync<HopLimitExceededException>()).Which.Message.Should().Contain("Dispatch:MaxHops");
        _calls.Should().BeEmpty();
    }

    [Test]
    public async Task Failed_publishes_are_counted_by_reason_and_rethrown()
    {
        var metrics = new DispatcherMetrics();
        var failed = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument, metrics.DispatchesFailed))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failed, value));
        listener.Start();
        var publisher = new Mock<IDispatchPublisher>();
        publisher.Setup(p => p.PublishAsync(It.IsAny<IReadOnlyList<OutgoingDispatch>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new TimeoutException("no confirm"));
        var flows = new Mock<IFlowProvisioner>();
        flows.Setup(f => f.GetStatusAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>())).ReturnsAsync(FlowStatus.Active);
        var options = Options.Create(new DispatchOptions());
        var handler = new DispatchRecordEventHandler(
            RoutingTable.Build([ThreeAppExample.Build()]),
            Activations.For(flows.Object, new FakeTimeProvider(), options),
            Mock.Of<IDispatchDestinations>(), publisher.Object, options, metrics);

        var act = async () => await handler.Handle(new DispatchRecordEvent(RecordEvents.From(SnazzyOut, Operation.Create), "e", "c", 0), default);

        await act.Should().ThrowAsync<TimeoutException>();
        Interlocked.Read(ref failed).Should().Be(2, "both copies of the event failed");
    }

    private Task Record(string call)
    {
        lock (_calls)
        {
            _calls.Add(call);
        }

        return Task.CompletedTask;
    }
}
