namespace Dispatcher.Api.Auth;

/// <summary>Claim types the authentication handlers add to the caller's identity.</summary>
public static class DispatcherClaimTypes
{
    /// <summary>
    /// The caller's tenant, copied from the claim named by <c>Auth:TenantClaim</c> when the token is accepted.
    /// A token cannot set it itself: any incoming claim of this type is dropped.
    /// </summary>
    public const string Tenant = "urn:dispatcher:tenant";

    /// <summary>One permission of an introspected IAM account.</summary>
    public const string Permission = "permission";

    /// <summary>
    /// Set instead of <see cref="Tenant"/> when the token's tenant claim is not usable as issued (surrounding
    /// whitespace, control characters, several different values); its value says why. The caller is refused (403).
    /// </summary>
    public const string RejectedTenant = "urn:dispatcher:rejected-tenant";
}
