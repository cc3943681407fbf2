using Dispatcher.Application.Common.Errors;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>
/// A flow for a connection could not be created; every flow created by the same operation was removed again and
/// nothing was saved. The message names the connection and the reason.
/// </summary>
public sealed class FlowProvisioningFailedException(FlowFailure failure, string message, Exception inner)
    : Exception(message, inner)
{
    /// <summary>How the Flow Repository failed (502 when it answered with an error, 503 when unreachable).</summary>
    public FlowFailure Failure { get; } = failure;
}
