namespace Dispatcher.Contracts;

/// <summary>What happened to a record.</summary>
public enum RecordOperation
{
    /// <summary>The record was created.</summary>
    Create = 1,

    /// <summary>The record was updated.</summary>
    Update = 2,

    /// <summary>The record was deleted.</summary>
    Delete = 3,
}
