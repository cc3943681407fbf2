using System.Text.Json.Serialization;

namespace Dispatcher.Application.Ports;

/// <summary>The service's error queues: where failed messages of each entry point wait.</summary>
public enum ErrorQueueKind
{
    /// <summary>Platform events from the event bus: <c>Messaging:Queue</c> + <c>_error</c>.</summary>
    [JsonStringEnumMemberName("events")]
    Events = 1,

    /// <summary>The .NET <c>RecordChanged</c> contract: <c>Messaging:Queue</c> + <c>-record-changed_error</c>.</summary>
    [JsonStringEnumMemberName("contracts")]
    Contracts = 2,
}
