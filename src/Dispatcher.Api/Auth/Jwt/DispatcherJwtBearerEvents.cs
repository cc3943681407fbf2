using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Auth.Jwt;

/// <summary>Stamps the tenant on accepted tokens and writes the problem body of a 401.</summary>
internal sealed class DispatcherJwtBearerEvents(IOptionsMonitor<DispatcherAuthOptions> options) : JwtBearerEvents
{
    public override Task TokenValidated(TokenValidatedContext context)
    {
        if (context.Principal?.Identity is ClaimsIdentity identity)
        {
            TenantClaim.Stamp(identity, options.CurrentValue.TenantClaim);
        }

        return Task.CompletedTask;
    }

    public override Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var failure = context.AuthenticateFailure is null ? null : JwtFailureReasons.Describe(context.AuthenticateFailure);
        return BearerChallenge.WriteAsync(context.HttpContext, failure);
    }
}
