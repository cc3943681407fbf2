using System.Text.Json.Serialization;

namespace Dispatcher.Api.Http;

/// <summary>The original service's success envelope: <c>{ "meta": {...}, "data": ... }</c>.</summary>
/// <typeparam name="T">The payload type.</typeparam>
/// <param name="Meta">Metadata about the answer.</param>
/// <param name="Data">The payload.</param>
public sealed record Envelope<T>(EnvelopeMeta Meta, T Data);

/// <summary>Metadata of a success envelope; empty (<c>{}</c>) unless there is something to say.</summary>
public sealed record EnvelopeMeta
{
    /// <summary>An empty meta object.</summary>
    public static EnvelopeMeta Empty { get; } = new();

    /// <summary>Flows that should be gone but could not be removed yet; removal is retried in the background.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? PendingCleanup { get; init; }

    /// <summary>Meta for a write, naming pending cleanups when there are any.</summary>
    public static EnvelopeMeta ForWrite(IReadOnlyList<string> pendingCleanup) =>
        pendingCleanup.Count == 0 ? Empty : new EnvelopeMeta { PendingCleanup = pendingCleanup };
}

/// <summary>The body of <c>DELETE /dispatches/{id}</c>.</summary>
/// <param name="Id">The deleted configuration.</param>
/// <param name="Message">Always "Deletion successful" (the original answered this text).</param>
public sealed record DeletionResult(string Id, string Message);

/// <summary>The error body, for the OpenAPI document (see <see cref="Errors.ApiProblem"/>).</summary>
public sealed class ProblemResponse
{
    /// <summary>A URI naming the problem type.</summary>
    public string? Type { get; init; }

    /// <summary>Short summary.</summary>
    public string? Title { get; init; }

    /// <summary>The HTTP status.</summary>
    public int Status { get; init; }

    /// <summary>What went wrong, precisely.</summary>
    public string? Detail { get; init; }

    /// <summary>The request path.</summary>
    public string? Instance { get; init; }

    /// <summary>The original service's error list: one entry per failure, with the field when known.</summary>
    public IReadOnlyList<Errors.ApiError> Errors { get; init; } = [];

    /// <summary>The violated domain rule, when a domain rule was violated.</summary>
    public string? Rule { get; init; }
}
