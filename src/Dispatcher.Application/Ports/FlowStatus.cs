namespace Dispatcher.Application.Ports;

/// <summary>The lifecycle status of a flow in the Flow Repository.</summary>
public enum FlowStatus
{
    /// <summary>Not running; the only status in which a flow may be changed or deleted.</summary>
    Inactive = 1,

    /// <summary>Start requested.</summary>
    Starting = 2,

    /// <summary>Running.</summary>
    Active = 3,

    /// <summary>Stop requested.</summary>
    Stopping = 4,
}
