using System.Security.Claims;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Api.Auth;

/// <summary>Reads the Dispatcher's view of the caller from a <see cref="ClaimsPrincipal"/>.</summary>
public static class ClaimsPrincipalExtensions
{
    /// <summary>
    /// The caller's tenant (taken from the claim named by <c>Auth:TenantClaim</c> at authentication), or
    /// <see langword="null"/> when the token names none.
    /// </summary>
    public static TenantId? GetTenant(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var value = principal.FindFirst(DispatcherClaimTypes.Tenant)?.Value;
        // TenantStamp admits only values without surrounding whitespace, so Parse (which trims) keeps them exact.
        return string.IsNullOrWhiteSpace(value) || value.Trim().Length != value.Length ? null : TenantId.Parse(value);
    }
}
