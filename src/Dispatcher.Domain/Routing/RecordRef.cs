namespace Dispatcher.Domain.Routing;

/// <summary>One entry of <c>meta.refs</c>: the id a record has in one application.</summary>
/// <param name="ApplicationUid">The application.</param>
/// <param name="RecordUid">The record's id in that application.</param>
public sealed record RecordRef(string ApplicationUid, string RecordUid);
