namespace Dispatcher.Api.Auth;

/// <summary>Authorization policy names.</summary>
public static class DispatcherPolicies
{
    /// <summary>
    /// An authenticated caller whose token names a tenant. It is also the default policy, so a bare
    /// <c>[Authorize]</c> means this.
    /// </summary>
    public const string Tenant = "tenant";

    /// <summary>
    /// An operator: an authenticated caller holding the permission <c>all</c> (the platform's admin permission) or
    /// <c>dispatcher.admin</c>, as a <c>permission</c> claim (IAM introspection, or a JWT claim). No tenant needed.
    /// </summary>
    public const string Admin = "admin";

    /// <summary>The permissions that make a caller an operator.</summary>
    public static readonly string[] AdminPermissions = ["all", "dispatcher.admin"];
}
