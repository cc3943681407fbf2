using System.Security.Claims;

namespace Dispatcher.Api.Auth;

/// <summary>Copies the configured tenant claim into <see cref="DispatcherClaimTypes.Tenant"/>.</summary>
internal static class TenantStamp
{
    /// <summary>
    /// Replaces any <see cref="DispatcherClaimTypes.Tenant"/> claim of <paramref name="identity"/> with the single
    /// non-blank value of <paramref name="sourceClaimType"/>. Several different values are ambiguous and give none.
    /// </summary>
    public static void Apply(ClaimsIdentity identity, string sourceClaimType)
    {
        var values = identity.FindAll(sourceClaimType)
            .Select(claim => claim.Value.Trim())
            .Where(value => value.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        foreach (var existing in identity.FindAll(DispatcherClaimTypes.Tenant).ToList())
        {
            identity.RemoveClaim(existing);
        }

        if (values.Count == 1)
        {
            identity.AddClaim(new Claim(DispatcherClaimTypes.Tenant, values[0]));
        }
    }
}
