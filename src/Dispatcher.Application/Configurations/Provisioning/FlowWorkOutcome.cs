using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>What one attempt at a piece of flow work came to.</summary>
/// <param name="IsDone">The work is finished.</param>
/// <param name="RetryIn">Not finished, nothing failed: look again after this long.</param>
/// <param name="Error">The attempt failed (retried with backoff).</param>
public readonly record struct FlowWorkOutcome(bool IsDone, TimeSpan? RetryIn, string? Error)
{
    public static FlowWorkOutcome Done => new(true, null, null);

    /// <summary>Progressing; look again after <paramref name="delay"/>.</summary>
    public static FlowWorkOutcome Later(TimeSpan delay) => new(false, delay, null);

    public static FlowWorkOutcome Failed(string error) => new(false, null, error);
}
