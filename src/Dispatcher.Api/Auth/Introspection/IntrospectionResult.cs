using System.Text.Json;

namespace Dispatcher.Api.Auth.Introspection;

/// <summary>What the IAM said about a token.</summary>
internal enum IntrospectionStatus
{
    /// <summary>200: the token is valid; <see cref="IntrospectionResult.Account"/> holds the account.</summary>
    Active,

    /// <summary>404: unknown or expired token.</summary>
    NotFound,

    /// <summary>401/403: the IAM refused the call (usually a bad or under-privileged service token).</summary>
    Refused,

    /// <summary>No usable answer: transport error, timeout, 5xx, unexpected status or body.</summary>
    Unavailable,
}

/// <summary>The outcome of one introspection call.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Account">The account object when <see cref="IntrospectionStatus.Active"/>.</param>
/// <param name="Problem">For logs: what went wrong (never contains the token).</param>
internal sealed record IntrospectionResult(IntrospectionStatus Status, JsonElement Account = default, string? Problem = null)
{
    public static IntrospectionResult Active(JsonElement account) => new(IntrospectionStatus.Active, account);

    public static IntrospectionResult Failed(IntrospectionStatus status, string problem) => new(status, Problem: problem);
}
