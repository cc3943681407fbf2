namespace Dispatcher.Domain.Routing;

/// <summary>What routing decided for one event: the outcome and the targets (empty unless routed).</summary>
public readonly struct RoutingResult
{
    private static readonly RouteTarget[] None = [];
    private readonly RouteTarget[]? _targets;

    internal RoutingResult(RecordEvent source, RoutingOutcome outcome, RouteTarget[]? targets)
    {
        Source = source;
        Outcome = outcome;
        _targets = targets;
    }

    /// <summary>The routed event.</summary>
    public RecordEvent Source { get; }

    /// <summary>Why the event goes where it goes.</summary>
    public RoutingOutcome Outcome { get; }

    /// <summary>The targets, each flow at most once, in configuration order.</summary>
    public IReadOnlyList<RouteTarget> Targets => _targets ?? None;

    /// <summary>The tailored copies to send, one per target.</summary>
    public IEnumerable<Dispatch> Dispatches()
    {
        foreach (var target in Targets)
        {
            yield return new Dispatch(Source, target);
        }
    }

    /// <summary>
    /// The result of routing <paramref name="source"/>: <paramref name="targets"/> when <paramref name="outcome"/> is
    /// <see cref="RoutingOutcome.Routed"/> and there is at least one (none gives <see cref="RoutingOutcome.NoMatchingTarget"/>),
    /// else no targets. The array is kept, not copied (routing engines hand out cached arrays): it must not change.
    /// </summary>
    public static RoutingResult For(RecordEvent source, RoutingOutcome outcome, RouteTarget[]? targets) =>
        outcome == RoutingOutcome.Routed && targets is { Length: > 0 }
            ? new RoutingResult(source, outcome, targets)
            : new RoutingResult(source, outcome == RoutingOutcome.Routed ? RoutingOutcome.NoMatchingTarget : outcome, null);
}
