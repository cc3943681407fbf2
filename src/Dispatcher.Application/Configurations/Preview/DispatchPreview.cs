namespace Dispatcher.Application.Configurations.Preview;

/// <summary>What the service would do with a record event.</summary>
/// <param name="Outcome"><c>Routed</c>, <c>UnknownSource</c>, <c>SourceInactive</c> or <c>NoMatchingTarget</c>.</param>
/// <param name="Reason">In words: where the copies go, or the most specific reason why nothing would be sent.</param>
/// <param name="SourceFlowId">The event's source flow (<c>meta.flowId</c>).</param>
/// <param name="Operation">CREATE, UPDATE or DELETE.</param>
/// <param name="Source">The outbound connection the event comes from, or null when the flow is not one of this configuration's.</param>
/// <param name="Dispatches">The copies that would be sent, in sending order.</param>
/// <param name="Skipped">Inbound connections with the source's schema and the event's operation that would get no copy, each with why.</param>
public sealed record DispatchPreview(
    string Outcome,
    string Reason,
    string SourceFlowId,
    string Operation,
    PreviewSource? Source,
    IReadOnlyList<PreviewedDispatch> Dispatches,
    IReadOnlyList<SkippedTarget> Skipped);
