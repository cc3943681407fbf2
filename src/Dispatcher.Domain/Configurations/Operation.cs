namespace Dispatcher.Domain.Configurations;

/// <summary>The record change an inbound connection accepts (the original's CREATE/UPDATE/DELETE).</summary>
public enum Operation
{
    /// <summary>A record was created.</summary>
    Create = 1,

    /// <summary>A record was updated.</summary>
    Update = 2,

    /// <summary>A record was deleted.</summary>
    Delete = 3,
}
