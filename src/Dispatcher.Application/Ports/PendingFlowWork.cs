namespace Dispatcher.Application.Ports;

/// <summary>A stored piece of flow work.</summary>
/// <param name="Work">The work.</param>
/// <param name="Generation">Identifies this entry among later entries for the same flow (opaque).</param>
/// <param name="Attempts">Failed attempts so far.</param>
/// <param name="NextAttemptAt">When it is due.</param>
/// <param name="LastError">Why the last attempt failed, if any.</param>
public sealed record PendingFlowWork(FlowWork Work, long Generation, int Attempts, DateTimeOffset NextAttemptAt, string? LastError);
