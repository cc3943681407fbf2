using System.Net;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>The Flow Repository's answer to one call: its status, the content of a success, the body of an error.</summary>
/// <typeparam name="T">The success content type.</typeparam>
/// <param name="Call">The call, e.g. <c>GET /flows/…</c> (for messages).</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Content">The content of a readable 2xx answer, else null.</param>
/// <param name="ErrorBody">The raw body of an error answer, else null.</param>
internal sealed record FlowRepositoryAnswer<T>(string Call, HttpStatusCode Status, T? Content, string? ErrorBody)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>The failure this answer stands for (see <see cref="FlowRepositoryFailures.FromAnswer"/>).</summary>
    public Application.Common.Errors.FlowRepositoryException ToFailure() =>
        FlowRepositoryFailures.FromAnswer(Call, Status, ErrorBody);
}
