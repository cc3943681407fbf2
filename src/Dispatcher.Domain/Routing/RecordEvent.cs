using System.Text.Json;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Domain.Routing;

/// <summary>A record change published after the Data Hub processed data from an outbound flow.</summary>
/// <param name="SourceFlowId">The outbound flow the data came from (<c>meta.flowId</c>).</param>
/// <param name="Operation">What happened to the record.</param>
/// <param name="Meta">The event's metadata.</param>
/// <param name="Data">The record itself, passed through unchanged.</param>
public sealed record RecordEvent(FlowId SourceFlowId, Operation Operation, RecordMeta Meta, JsonElement Data);
