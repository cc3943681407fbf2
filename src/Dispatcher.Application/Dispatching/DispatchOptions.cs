using System.ComponentModel.DataAnnotations;

namespace Dispatcher.Application.Dispatching;

/// <summary>Settings of event dispatching (section <c>Dispatch</c>).</summary>
public sealed class DispatchOptions
{
    public const string Section = "Dispatch";

    /// <summary>Events that already made this many dispatcher hops go to the error queue (echo loops).</summary>
    [Range(1, 1000)]
    public int MaxHops { get; set; } = 8;

    /// <summary>How long a target flow's known status is trusted before asking the Flow Repository again.</summary>
    public TimeSpan FlowStatusCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often every instance reloads its whole routing table from the store (a safety net for missed change broadcasts).</summary>
    public TimeSpan RoutingRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
