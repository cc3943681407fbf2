using Dispatcher.Application.Common.Errors;
using Dispatcher.Application.Common.Telemetry;
using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Dispatching.DispatchRecordEvent;
using Dispatcher.Application.Ports;
using Dispatcher.Application.Tests.Routing;
using Dispatcher.Application.Tests.Support;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using static Dispatcher.Application.Dispatching.DispatchRecordEvent.DispatchRecordEventHandler;
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
        destinations.Setup(p => p.PublishAsync(It.IsAny<IReadOnlyList<OutgoingDispatch>>(), It.IsAny<CancellationToken>()))
            .Returns((IReadOnlyList<OutgoingDispatch> d, CancellationToken _) =>
            {
                _published.AddRange(d);
                return Record("publish");
            });
        var time = new FakeTimeProvider();
        var options = Options.Create(new DispatchOptions { MaxHops = 3 });
        _handler = new DispatchRecordEventHandler(
            RoutingTables.Of([ThreeAppExample.Build()]),
            Activations.For(flows.Object, time, options),
            destinations.Object, IDispatchNotifier.None, new DispatchLedger(time), options, new DispatcherMetrics());
        _destinations = destinations.Object;
        _activation = Activations.For(flows.Object, time, options);
        _time = time;
    }

    private IDispatchDestinations _destinations = null!;
    private FlowActivation _activation = null!;
    private FakeTimeProvider _time = null!;

    private DispatchRecordEventHandler Announcing(IDispatchNotifier notifier, DispatchLedger ledger) => new(
        RoutingTables.Of([ThreeAppExample.Build()]), _activation, _destinations, notifier, ledger,
        Options.Create(new DispatchOptions { MaxHops = 3 }), new DispatcherMetrics());

    [Test]
    public async Task Announcements_follow_the_confirmed_delivery_of_every_copy_with_the_same_ids()
    {
        var notifier = new RecordingNotifier(this);
        var handler = Announcing(notifier, new DispatchLedger(_time));

        var result = await handler.Handle(new DispatchRecordEvent(RecordEvents.From(SnazzyOut, Operation.Create), "event-1", "corr-1", 0), default);

        result.Should().Be(new DispatchResult(RoutingOutcome.Routed, 2));
        _calls.Should().EndWith(["publish", $"announce {WiceCreate}", $"announce {OutlookCreate}"], "announced only after the delivery is confirmed");
        notifier.Announced.Select(d => d.MessageId).Should().Equal(_published.Select(d => d.MessageId));
        notifier.Announced.Should().OnlyContain(d => d.CorrelationId == "corr-1" && d.HopCount == 1);
    }

    [Test]
    public async Task A_retry_after_a_failed_announcement_neither_delivers_again_nor_repeats_confirmed_announcements()
    {
        var notifier = new RecordingNotifier(this) { FailOnce = FlowId.Parse(OutlookCreate) };
        var handler = Announcing(notifier, new DispatchLedger(_time));
        var command = new DispatchRecordEvent(RecordEvents.From(SnazzyOut, Operation.Create), "event-1", "corr-1", 0);

        var first = async () => await handler.Handle(command, default);
        (await first.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain($"target flow {OutlookCreate}");
        await handler.Handle(command, default);

        _calls.Count(c => c == "publish").Should().Be(1, "the copies were confirmed on the first attempt: not delivered twice");
        _published.Should().HaveCount(2);
        notifier.Announced.Select(d => d.Dispatch.Target.FlowId.Value).Should().Equal(WiceCreate, OutlookCreate);
        notifier.Attempts.Should().Be(3, "Wice once, Outlook failed then succeeded");
    }

    [Test]
    public async Task The_ledger_forgets_after_its_retention_so_a_late_redelivery_repeats_with_the_same_ids()
    {
        var notifier = new RecordingNotifier(this);
        var handler = Announcing(notifier, new DispatchLedger(_time));
        var command = new DispatchRecordEvent(RecordEvents.From(SnazzyOut, Operation.Create), "event-1", "corr-1", 0);

        await handler.Handle(command, default);
        await handler.Handle(command, default);
        _time.Advance(DispatchLedger.Retention);
        await handler.Handle(command, default);

        _calls.Count(c => c == "publish").Should().Be(2, "a redelivery within the retention does nothing again; after it, everything");
        notifier.Announced.Should().HaveCount(4);
        notifier.Announced.Select(d => d.MessageId).Distinct().Should().HaveCount(2, "always the same two ids");
    }

    [Test]
    public async Task Without_announcements_nothing_is_remembered_and_a_redelivery_is_delivered_again()
    {
        var command = new DispatchRecordEvent(RecordEvents.From(SnazzyOut, Operation.Create), "event-1", "corr-1", 0);

        await _handler.Handle(command, default);
        await _handler.Handle(command, default);

        _calls.Count(c => c == "publish").Should().Be(2, "the default behaviour is unchanged");
        _calls.Should().NotContain(c => c.StartsWith("announce", StringComparison.Ordinal));
    }

    private sealed class RecordingNotifier(DispatchRecordEventHandlerTests test) : IDispatchNotifier
    {
        private int _attempts;

        public FlowId? FailOnce { get; set; }

        public List<OutgoingDispatch> Announced { get; } = [];

        public int Attempts => _attempts;

        public bool Enabled => true;

        public Task NotifyAsync(OutgoingDispatch dispatch, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            if (FailOnce == dispatch.Dispatch.Target.FlowId)
            {
                FailOnce = null;
                return Task.FromException(new InvalidOperationException($"not confirmed: target flow {dispatch.Dispatch.Target.FlowId}"));
            }

            lock (Announced)
            {
                Announced.Add(dispatch);
            }

            return test.Record($"announce {dispatch.Dispatch.Target.FlowId}");
        }
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
        var destinations = new Mock<IDispatchDestinations>();
        destinations.Setup(p => p.PublishAsync(It.IsAny<IReadOnlyList<OutgoingDispatch>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new TimeoutException("no confirm"));
        var flows = new Mock<IFlowProvisioner>();
        flows.Setup(f => f.GetStatusAsync(It.IsAny<FlowId>(), It.IsAny<FlowCallContext>(), It.IsAny<CancellationToken>())).ReturnsAsync(FlowStatus.Active);
        var options = Options.Create(new DispatchOptions());
        var handler = new DispatchRecordEventHandler(
            RoutingTables.Of([ThreeAppExample.Build()]),
            Activations.For(flows.Object, new FakeTimeProvider(), options),
            destinations.Object, IDispatchNotifier.None, new DispatchLedger(TimeProvider.System), options, metrics);

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
