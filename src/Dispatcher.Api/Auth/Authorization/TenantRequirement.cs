using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Auth.Authorization;

/// <summary>The caller's token must name a tenant (<see cref="TenantClaim.GetTenant"/>).</summary>
internal sealed class TenantRequirement : IAuthorizationRequirement;

/// <summary>Checks <see cref="TenantRequirement"/>; the failure reason names the configured tenant claim.</summary>
internal sealed class TenantRequirementHandler(IOptionsMonitor<DispatcherAuthOptions> options)
    : AuthorizationHandler<TenantRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantRequirement requirement)
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
