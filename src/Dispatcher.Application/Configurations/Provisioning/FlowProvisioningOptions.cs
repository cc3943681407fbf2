using System.ComponentModel.DataAnnotations;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>Settings of flow provisioning and of the flow work runner (section <c>Provisioning</c>).</summary>
public sealed class FlowProvisioningOptions
{
    public const string Section = "Provisioning";

    /// <summary>How many flows are created at once for one configuration change.</summary>
    [Range(1, 256)]
    public int MaxParallelism { get; set; } = 16;

    /// <summary>How many pieces of flow work (start, stop, remove, …) run at once.</summary>
    [Range(1, 256)]
    public int WorkParallelism { get; set; } = 16;

    /// <summary>How many pieces of flow work the runner claims at a time.</summary>
    [Range(1, 10_000)]
    public int WorkBatchSize { get; set; } = 256;

    /// <summary>How often the runner looks for due work when nothing wakes it.</summary>
    public TimeSpan WorkPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a claimed piece of work is reserved for its runner (longer than any one attempt).</summary>
    public TimeSpan WorkClaimDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after it began a write answers at the latest while its flow work is still running (a write that
    /// took longer answers right after its commit); flows whose removal is not finished by then are listed in
    /// <c>meta.pendingCleanup</c> and removed in the background.
    /// </summary>
    public TimeSpan AnswerWait { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>The wait after the first failed attempt at a piece of flow work; it doubles with each failure, up to 10 minutes.</summary>
    public TimeSpan WorkRetryMinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a stopped flow may take to become inactive before its removal counts as a failed attempt.</summary>
    public TimeSpan StopWaitTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
