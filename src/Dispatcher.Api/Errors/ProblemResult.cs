using Microsoft.AspNetCore.Mvc;

namespace Dispatcher.Api.Errors;

/// <summary>
/// Writes a problem body with its own content type. An <see cref="ObjectResult"/> would be re-negotiated to
/// <c>application/json</c> by the controller's <c>[Produces]</c>.
/// </summary>
internal sealed class ProblemResult(ProblemDetails problem) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context) => ApiProblem.WriteAsync(context.HttpContext, problem);
}
