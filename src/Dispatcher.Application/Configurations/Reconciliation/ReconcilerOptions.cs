using System.ComponentModel.DataAnnotations;

namespace Dispatcher.Application.Configurations.Reconciliation;

/// <summary>Settings of the flow reconciler (section <c>Reconciler</c>).</summary>
public sealed class ReconcilerOptions
{
    public const string Section = "Reconciler";

    /// <summary>Whether the reconciler runs at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between two rounds (the first runs at start-up).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Flows asked for per page when listing the Flow Repository.</summary>
    [Range(1, 10_000)]
    public int PageSize { get; set; } = 1000;

    /// <summary>
    /// How old a flow created for a connection that does not own it must be before it counts as an orphan and is
    /// removed: longer than any write takes between creating its flows and committing.
    /// </summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one instance holds the reconciler lease; another instance takes over after it expires.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);
}
