using System.Security.Claims;
using Dispatcher.Domain.Configurations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Auth;

/// <summary>
/// The caller's tenant as a claim: stamped once at authentication from the configured claim
/// (<see cref="Stamp"/>), required by authorization (<see cref="Requirement"/>: a token whose tenant
/// <see cref="Stamp"/> rejected is refused with the reason) and read by the controllers (<see cref="GetTenant"/>).
/// </summary>
public static class TenantClaim
{
    /// <summary>
    /// The caller's tenant (taken from the claim named by <c>Auth:TenantClaim</c> at authentication), or
    /// <see langword="null"/> when the token names none.
    /// </summary>
    public static TenantId? GetTenant(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var value = principal.FindFirst(DispatcherClaimTypes.Tenant)?.Value;
        // Stamp admits only values without surrounding whitespace, so Parse (which trims) keeps them exact.
        return string.IsNullOrWhiteSpace(value) || value.Trim().Length != value.Length ? null : TenantId.Parse(value);
    }

    /// <summary>
    /// Replaces any <see cref="DispatcherClaimTypes.Tenant"/> claim of <paramref name="identity"/> with the single value
    /// of <paramref name="sourceClaimType"/>, byte for byte. A value with surrounding whitespace or a control character,
    /// or several different values, give no tenant but a <see cref="DispatcherClaimTypes.RejectedTenant"/> claim naming
    /// the reason: normalising them could turn one tenant's token into another tenant's.
    /// </summary>
    internal static void Stamp(ClaimsIdentity identity, string sourceClaimType)
    {
        var values = identity.FindAll(sourceClaimType)
            .Select(claim => claim.Value)
            .Where(value => value.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        foreach (var existing in identity.FindAll(DispatcherClaimTypes.Tenant).Concat(identity.FindAll(DispatcherClaimTypes.RejectedTenant)).ToList())
        {
            identity.RemoveClaim(existing);
        }

        var rejection = values switch
        {
            [] => null,
            [var value] when value.Trim().Length != value.Length =>
                $"The token's '{sourceClaimType}' claim has surrounding whitespace; tenants are used exactly as issued.",
            [var value] when value.Any(c => char.IsControl(c) || char.IsSurrogate(c)) =>
                $"The token's '{sourceClaimType}' claim contains control characters; tenants are used exactly as issued.",
            [_] => null,
            _ => $"The token has several different '{sourceClaimType}' claims; the tenant is ambiguous.",
        };

        if (rejection is not null)
        {
            identity.AddClaim(new Claim(DispatcherClaimTypes.RejectedTenant, rejection));
        }
        else if (values.Count == 1)
        {
            identity.AddClaim(new Claim(DispatcherClaimTypes.Tenant, values[0]));
        }
    }

    /// <summary>The caller's token must name a tenant (<see cref="GetTenant"/>): the default authorization policy.</summary>
    internal sealed class Requirement : IAuthorizationRequirement;

    /// <summary>
    /// Checks <see cref="Requirement"/>: refuses with the reason <see cref="Stamp"/> recorded, or, for an authenticated
    /// caller without a tenant, with a reason that names the configured tenant claim.
    /// </summary>
    internal sealed class RequirementHandler(IOptionsMonitor<DispatcherAuthOptions> options) : AuthorizationHandler<Requirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
        {
            if (context.User.FindFirst(DispatcherClaimTypes.RejectedTenant) is { } rejected)
            {
                context.Fail(new AuthorizationFailureReason(this, rejected.Value));
            }
            else if (context.User.GetTenant() is not null)
            {
                context.Succeed(requirement);
            }
            else if (context.User.Identity?.IsAuthenticated == true)
            {
                context.Fail(new AuthorizationFailureReason(this,
                    $"The token has no '{options.CurrentValue.TenantClaim}' claim; configurations are tenant-scoped."));
            }

            return Task.CompletedTask;
        }
    }
}
