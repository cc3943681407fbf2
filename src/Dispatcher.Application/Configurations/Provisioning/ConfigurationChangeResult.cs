using Dispatcher.Application.Configurations.Models;

namespace Dispatcher.Application.Configurations.Provisioning;

/// <summary>The outcome of a write: the stored configuration, and flows whose removal is still under way.</summary>
/// <param name="Configuration">The configuration as stored (null after a delete).</param>
/// <param name="PendingCleanup">Flows that are to be removed and were not gone yet when the write answered.</param>
public sealed record ConfigurationChangeResult(ConfigurationDto? Configuration, IReadOnlyList<string> PendingCleanup);
