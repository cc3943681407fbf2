namespace Dispatcher.Application.Ports;

/// <summary>
/// Named, time-limited leases in the shared store, so that among several service instances only one does a given
/// job at a time (e.g. reconciling).
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease <paramref name="name"/> for <paramref name="holder"/> until now + <paramref name="duration"/>:
    /// succeeds when the lease is free, expired, or already held by the same holder (which renews it).
    /// </summary>
    Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Gives the lease up if <paramref name="holder"/> holds it.</summary>
    Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken);
}
