using Dispatcher.Application.Configurations.Models;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>The outcome of a write: the stored configuration, and flows whose removal is still pending.</summary>
/// <param name="Configuration">The configuration as stored (null after a delete).</param>
/// <param name="PendingCleanup">Flows that should be gone but could not be removed yet.</param>
public sealed record ConfigurationChangeResult(ConfigurationDto? Configuration, IReadOnlyList<string> PendingCleanup);
