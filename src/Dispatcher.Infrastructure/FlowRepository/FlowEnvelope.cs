using System.Text.Json;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>The Flow Repository's success body: <c>{ "data": …, "meta": { … } }</c>.</summary>
/// <typeparam name="T">The type of <c>data</c>.</typeparam>
internal sealed record FlowEnvelope<T>
{
    public T? Data { get; init; }

    /// <summary>Paging and similar information; unused by the adapter.</summary>
    public JsonElement? Meta { get; init; }
}
