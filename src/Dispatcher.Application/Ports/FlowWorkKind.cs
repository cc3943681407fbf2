namespace Dispatcher.Application.Ports;

/// <summary>What is to be done to a flow.</summary>
public enum FlowWorkKind
{
    /// <summary>Start the flow (an outbound flow of an active side).</summary>
    Start = 1,

    /// <summary>Stop the flow and forget its activation (a side switched off; the flow is kept).</summary>
    Stop = 2,

    /// <summary>Stop, wait until inactive, delete; then delete its dispatch destination and forget its activation.</summary>
    Remove = 3,

    /// <summary>Declare the flow's dispatch destination (an inbound flow of an active side).</summary>
    DeclareDestination = 4,
}
