using System.Text.Json.Serialization;

namespace Dispatcher.Infrastructure.FlowRepository;

/// <summary>
/// Generated JSON metadata for the Flow Repository's bodies (Refit's generated client uses no reflection):
/// camelCase names, absent values omitted.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FlowDocument))]
[JsonSerializable(typeof(FlowEnvelope<FlowDocument>))]
[JsonSerializable(typeof(FlowEnvelope<List<FlowDocument>>))]
internal sealed partial class FlowRepositoryJsonContext : JsonSerializerContext;
