namespace Dispatcher.Application.Ports;

/// <summary>A page of flows.</summary>
/// <param name="Flows">The flows on the page.</param>
/// <param name="Next">Where the next page starts, or null after the last page.</param>
public sealed record FlowPage(IReadOnlyList<FlowSummary> Flows, string? Next);
