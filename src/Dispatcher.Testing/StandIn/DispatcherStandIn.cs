using System.Text.Json;
using Dispatcher.Contracts;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Testing;

/// <summary>
/// The dispatcher's routing without the dispatcher: turns a <see cref="RecordChanged"/> into the
/// <see cref="RecordDispatched"/> copies the real service sends for the configurations given, using the real routing
/// rules (Dispatcher.Domain's <see cref="RoutingPolicy"/>, the specification the service's routing engine is kept
/// equal to) and tailoring rule (<see cref="Dispatch"/>). Registered on
/// MassTransit's test harness with
/// <see cref="DispatcherStandInRegistration.AddDispatcherStandIn(MassTransit.IBusRegistrationConfigurator, IEnumerable{Configuration})"/>,
/// it consumes <see cref="RecordChanged"/> and publishes the copies; on its own, <see cref="Dispatch"/> predicts them.
/// Thread-safe.
/// </summary>
/// <remarks>
/// What it leaves out of the real service:
/// <list type="bullet">
/// <item>Flows are not started: every target flow is treated as running (the real service asks the Flow Repository
/// to start a stopped target flow before dispatching).</item>
/// <item>No storage, no API, no event-bus (<c>dispatch.&lt;flowId&gt;</c> queue) messages, no hop limit, no retries or
/// error queue: a message that the real service would reject (a flow id that is not 1–64 characters of letters,
/// digits, <c>_</c> or <c>-</c>; an undefined operation) makes the consumer throw, so the harness sees a fault.</item>
/// <item>Configurations change only through <see cref="Upsert"/> and <see cref="Remove"/>. The stand-in keeps the
/// instances it is given and routes by their current state, so call <see cref="Upsert"/> after changing one anyway (the
/// real service only sees a change when it hears of it).</item>
/// </list>
/// Each copy is published with the message id the real service gives that event's dispatch to that flow
/// (deterministic from <see cref="RecordChanged.EventId"/> and the target flow) and the incoming correlation id
/// (the event id when there is none).
/// </remarks>
public sealed class DispatcherStandIn
{
    private readonly List<Configuration> _configurations = [];
    private readonly Lock _lock = new();

    /// <summary>Creates a stand-in routing by <paramref name="configurations"/> (flow ids unique across them, as in the real service).</summary>
    /// <param name="configurations">The dispatch configurations, e.g. <see cref="ThreeAppExample.Build"/>.</param>
    public DispatcherStandIn(IEnumerable<Configuration> configurations)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        foreach (var configuration in configurations)
        {
            Upsert(configuration);
        }
    }

    /// <summary>
    /// The copies the dispatcher sends for <paramref name="changed"/>, in the real service's order (configuration
    /// order of the target apps and their inbound connections); empty when the flow is unknown, its app's outbound
    /// side is inactive or no other app has an active inbound connection for the schema and operation.
    /// </summary>
    /// <param name="changed">The change.</param>
    /// <returns>One copy per target inbound flow.</returns>
    /// <exception cref="ArgumentException">The message is malformed (the real service would move it to its error queue).</exception>
    public IReadOnlyList<RecordDispatched> Dispatch(RecordChanged changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var result = Route(ContractMapping.ToRecordEvent(changed));
        return [.. result.Dispatches().Select(dispatch => ContractMapping.ToRecordDispatched(dispatch, changed.Operation))];
    }

    /// <summary>
    /// Adds a configuration or replaces its previous state (as when the real service hears <see cref="ConfigurationChanged"/>);
    /// an older state (lower <see cref="Configuration.Version"/>) than the one held is ignored, as the service does.
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    public void Upsert(Configuration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        lock (_lock)
        {
            var index = _configurations.FindIndex(c => c.Id == configuration.Id);
            if (index < 0)
            {
                _configurations.Add(configuration);
            }
            else if (configuration.Version >= _configurations[index].Version)
            {
                _configurations[index] = configuration;
            }
        }
    }

    /// <summary>Removes a configuration; unknown ids are ignored.</summary>
    /// <param name="configurationId">The configuration's id.</param>
    public void Remove(ConfigurationId configurationId)
    {
        lock (_lock)
        {
            _configurations.RemoveAll(c => c.Id == configurationId);
        }
    }

    // The configuration holding the source flow decides (flow ids are unique, so at most one does).
    private RoutingResult Route(RecordEvent recordEvent)
    {
        lock (_lock)
        {
            foreach (var configuration in _configurations)
            {
                var result = RoutingPolicy.Route(configuration, recordEvent);
                if (result.Outcome != RoutingOutcome.UnknownSource)
                {
                    return result;
                }
            }
        }

        return RoutingResult.For(recordEvent, RoutingOutcome.UnknownSource, null);
    }
}

/// <summary>
/// The contract ↔ domain mapping of the real service's <c>RecordChangedConsumer</c> (Dispatcher.Infrastructure), which
/// this package cannot reference: the same field mapping, replicated. <c>StandInMatchesTheRealServiceTests</c> in
/// Dispatcher.Api.Tests sends one message through both and compares the copies.
/// </summary>
internal static class ContractMapping
{
    public static RecordEvent ToRecordEvent(RecordChanged message)
    {
        if (!FlowId.TryParse(message.FlowId, out var flowId))
        {
            throw new ArgumentException($"'{nameof(RecordChanged.FlowId)}' is not a valid flow id: '{message.FlowId}'.", nameof(message));
        }

        var operation = message.Operation switch
        {
            RecordOperation.Create => Operation.Create,
            RecordOperation.Update => Operation.Update,
            RecordOperation.Delete => Operation.Delete,
            _ => throw new ArgumentException($"Unknown operation '{message.Operation}'.", nameof(message)),
        };

        // The copies carry the source flow as meta.flowId, first, whatever the sender put there.
        var fields = (message.Meta ?? new Dictionary<string, JsonElement>())
            .Where(f => f.Key != RecordMeta.FlowIdField)
            .Prepend(new KeyValuePair<string, JsonElement>(RecordMeta.FlowIdField, JsonSerializer.SerializeToElement(flowId.Value)));
        var refs = (message.Refs ?? []).Select(r => new RecordRef(r.ApplicationUid, r.RecordUid));
        return new RecordEvent(flowId, operation, RecordMeta.Create(fields, refs), message.Data);
    }

    public static RecordDispatched ToRecordDispatched(Dispatch dispatch, RecordOperation operation) => new()
    {
        TargetFlowId = dispatch.Target.FlowId.Value,
        ApplicationUid = dispatch.Target.ApplicationUid.Value,
        RecordUid = dispatch.RecordUid,
        Operation = operation,
        Meta = new Dictionary<string, JsonElement>(dispatch.TailoredMeta().Fields),
        Data = dispatch.Source.Data,
    };
}
