namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>
/// Settings of the Flow Repository adapter (section <c>FlowRepository</c>). Setting <see cref="BaseUrl"/> selects the
/// adapter instead of the standalone flow registry; every value is checked on start
/// (<see cref="FlowRepositoryOptionsValidator"/>).
/// </summary>
internal sealed class FlowRepositoryOptions
{
    public const string SectionName = "FlowRepository";

    /// <summary>The Flow Repository's absolute base URL (the original's <c>FLOWREPO_URL</c>).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>
    /// The bearer token used when a call is not made on behalf of a caller (<see cref="Application.Ports.FlowCallContext.Service"/>);
    /// the original's <c>FLOW_TOKEN</c>. It must see every tenant's flows, i.e. hold the <c>all</c> permission.
    /// </summary>
    public string? ServiceToken { get; set; }

    /// <summary>The whole budget of one call, retries and back-off included (seconds).</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>The budget of one attempt (seconds); must be less than <see cref="TimeoutSeconds"/>.</summary>
    public double AttemptTimeoutSeconds { get; set; } = 3;

    /// <summary>Retries after a transient failure of a call that may be repeated (0 disables retries).</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry's delay (seconds); later ones grow exponentially, with jitter.</summary>
    public double RetryDelaySeconds { get; set; } = 0.5;

    /// <summary>What generated flows contain besides the app's own adapter.</summary>
    public SdfOptions Sdf { get; set; } = new();

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan AttemptTimeout => TimeSpan.FromSeconds(AttemptTimeoutSeconds);

    public TimeSpan RetryDelay => TimeSpan.FromSeconds(RetryDelaySeconds);
}
