using Dispatcher.Api.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Dispatcher.Api.Auth.Authorization;

/// <summary>
/// Answers a forbidden request with a 403 problem carrying the first failure reason. Challenges go to the
/// authentication scheme, which writes the 401 problem.
/// </summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private const string DefaultReason = "You are not allowed to access this resource.";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(
        RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }

        var reason = authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message ?? DefaultReason;
        return ApiProblem.WriteAsync(context, ApiProblem.Create(StatusCodes.Status403Forbidden, "Forbidden", reason));
    }
}
