namespace Dispatcher.Contracts;

/// <summary>The id a record has in one application (an entry of the Data Hub's <c>refs</c>).</summary>
public sealed record RecordReference
{
    /// <summary>The application's uid.</summary>
    public required string ApplicationUid { get; init; }

    /// <summary>The record's id in that application.</summary>
    public required string RecordUid { get; init; }
}
