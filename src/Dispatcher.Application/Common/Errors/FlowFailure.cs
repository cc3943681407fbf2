namespace Dispatcher.Application.Common.Errors;

/// <summary>How a flow operation failed.</summary>
public enum FlowFailure
{
    /// <summary>The Flow Repository answered with an error (maps to 502).</summary>
    Failed = 1,

    /// <summary>The Flow Repository could not be reached or timed out (maps to 503).</summary>
    Unavailable = 2,

    /// <summary>The flow is not in a state that allows the operation, e.g. deleting an active flow (409 there).</summary>
    Conflict = 3,

    /// <summary>The Flow Repository refused our credentials.</summary>
    Unauthorized = 4,
}
