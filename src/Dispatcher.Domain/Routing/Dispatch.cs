namespace Dispatcher.Domain.Routing;

/// <summary>
/// A copy of <see cref="Source"/> tailored to <see cref="Target"/>. Cheap to create: the tailored metadata is
/// computed on demand by <see cref="TailoredMeta"/>, so routing itself allocates no copies.
/// </summary>
public readonly struct Dispatch
{
    /// <summary>Creates the dispatch of <paramref name="source"/> to <paramref name="target"/>.</summary>
    public Dispatch(RecordEvent source, RouteTarget target)
    {
        Source = source;
        Target = target;
        RecordUid = DispatchTailoring.RecordUidFor(source.Meta, target.ApplicationUid);
    }

    /// <summary>The event being dispatched (never changed).</summary>
    public RecordEvent Source { get; }

    /// <summary>Where the copy goes.</summary>
    public RouteTarget Target { get; }

    /// <summary>The record's id in the target app (<see cref="DispatchTailoring.RecordUidFor"/>), or null when the target has none yet.</summary>
    public string? RecordUid { get; }

    /// <summary>The metadata the target receives (the rule: <see cref="DispatchTailoring"/>).</summary>
    public RecordMeta TailoredMeta() => DispatchTailoring.Tailor(Source.Meta, Target.ApplicationUid, RecordUid);
}
