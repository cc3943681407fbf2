namespace Dispatcher.Api.Auth;

/// <summary>Authorization policy names.</summary>
public static class DispatcherPolicies
{
    /// <summary>
    /// An authenticated caller whose token names a tenant. It is also the default policy, so a bare
    /// <c>[Authorize]</c> means this.
    /// </summary>
    public const string Tenant = "tenant";
}
