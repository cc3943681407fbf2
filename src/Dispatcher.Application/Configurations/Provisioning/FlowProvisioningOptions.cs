using System.ComponentModel.DataAnnotations;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>Settings of flow provisioning (section <c>Provisioning</c>).</summary>
public sealed class FlowProvisioningOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Provisioning";

    /// <summary>How many flow calls run at once for one configuration change.</summary>
    [Range(1, 64)]
    public int MaxParallelism { get; set; } = 4;

    /// <summary>How long a removal waits for a stopped flow to become inactive before queuing it for later.</summary>
    public TimeSpan StopWaitTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
