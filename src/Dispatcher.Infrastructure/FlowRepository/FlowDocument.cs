namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>
/// A flow as the Flow Repository reads and writes it (the fields the dispatcher uses; others such as <c>owners</c> or
/// <c>tenant</c> are ignored when read and never sent).
/// </summary>
internal sealed record FlowDocument
{
    /// <summary>The flow id (an ObjectId); set by the repository, never sent.</summary>
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary><c>ordinary</c> or <c>long_running</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The polling schedule of the first node.</summary>
    public string? Cron { get; init; }

    /// <summary><c>inactive</c>, <c>starting</c>, <c>active</c> or <c>stopping</c>; set by the repository, never sent.</summary>
    public string? Status { get; init; }

    /// <summary>When the flow was created; set by the repository, never sent.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The steps and their order.</summary>
    public FlowGraph? Graph { get; init; }
}
