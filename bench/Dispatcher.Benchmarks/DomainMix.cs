using System.Text.Json;
using Dispatcher.Application.Routing;
using Dispatcher.Bench;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Benchmarks;

/// <summary>The generated mix as domain aggregates, and record events that route to an exact fan-out.</summary>
public static class DomainMix
{
    private static readonly DateTimeOffset Created = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    // Parsing a URI is the slowest part of generating 100,000 configurations; the values are immutable, so one
    // instance per text serves all of them (only set-up time changes; the routing table keeps just the key text).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SchemaUri> Schemas = new();

    private static (int Count, Configuration[] Configurations, RoutingTable Table)? _last;

    /// <summary>A table of <paramref name="configurations"/>, filled as the service's loader fills it (one upsert each).</summary>
    public static RoutingTable BuildTable(IEnumerable<Configuration> configurations)
    {
        var table = new RoutingTable();
        foreach (var configuration in configurations)
        {
            table.Upsert(configuration);
        }

        return table;
    }

    /// <summary>
    /// The configurations and their table. The last size is kept: with the in-process toolchain (<c>--inProcess</c>),
    /// consecutive cases of the same size (BenchmarkDotNet orders cases by parameters) then share one 100,000-table
    /// set-up; out of process every case builds its own.
    /// </summary>
    public static (Configuration[] Configurations, RoutingTable Table) Table(int count)
    {
        if (_last is { } last && last.Count == count)
        {
            return (last.Configurations, last.Table);
        }

        _last = null;
        var configurations = Configurations(count);
        var table = BuildTable(configurations);
        _last = (count, configurations, table);
        return (configurations, table);
    }

    /// <summary>The first <paramref name="count"/> configurations of the fixed-seed mix.</summary>
    public static Configuration[] Configurations(int count) => ConfigurationMix.Generate(count).Select(ToDomain).ToArray();

    /// <summary>A configuration spec as the aggregate (as the store would rehydrate it).</summary>
    public static Configuration ToDomain(ConfigurationSpec spec) => Configuration.Rehydrate(
        ConfigurationId.Parse(spec.Id),
        TenantId.Parse(spec.Tenant),
        spec.Name,
        "5d9b",
        spec.Apps.Select(ToDomain),
        Created,
        Created,
        1);

    /// <summary>
    /// <paramref name="count"/> events that route to exactly <paramref name="fanOut"/> targets: the distinct ones of
    /// <see cref="EventsWithFanOut"/>, repeated in order when there are fewer (small tables).
    /// </summary>
    public static RecordEvent[] EventBatch(RoutingTable table, IReadOnlyList<Configuration> configurations, int fanOut, int count)
    {
        var distinct = EventsWithFanOut(table, configurations, fanOut, count);
        return [.. Enumerable.Range(0, count).Select(i => distinct[i % distinct.Length])];
    }

    /// <summary>
    /// Up to <paramref name="max"/> record events, spread evenly over the table, each of which routes to exactly
    /// <paramref name="fanOut"/> targets. Meta carries refs for the source and every other target (so half the
    /// copies get a <c>recordUid</c>), data is a ~200-byte person.
    /// </summary>
    public static RecordEvent[] EventsWithFanOut(RoutingTable table, IReadOnlyList<Configuration> configurations, int fanOut, int max)
    {
        var candidates = new List<RecordEvent>();
        foreach (var configuration in configurations)
        {
            foreach (var app in configuration.Apps)
            {
                foreach (var connection in app.Outbound.Connections)
                {
                    if (connection.FlowId is not { } flowId)
                    {
                        continue;
                    }

                    foreach (var operation in (Operation[])[Operation.Create, Operation.Update, Operation.Delete])
                    {
                        var probe = new RecordEvent(flowId, operation, RecordMeta.Empty, default);
                        var routed = table.Route(probe);
                        if (routed.Outcome == RoutingOutcome.Routed && routed.Targets.Count == fanOut)
                        {
                            candidates.Add(Event(flowId, operation, app.ApplicationUid, routed.Targets, candidates.Count));
                        }
                    }
                }
            }
        }

        if (candidates.Count == 0)
        {
            throw new InvalidOperationException($"No source with fan-out {fanOut} among {configurations.Count} configurations.");
        }

        var step = Math.Max(1, candidates.Count / max);
        return candidates.Where((_, i) => i % step == 0).Take(max).ToArray();
    }

    /// <summary>A realistic record event from <paramref name="source"/> (JSON as the event bus carries it).</summary>
    public static RecordEvent Event(FlowId flowId, Operation operation, ApplicationUid source, IReadOnlyList<RouteTarget> targets, int n)
    {
        var refs = string.Join(',', targets.Where((_, i) => i % 2 == 0)
            .Select((t, i) => $$"""{"applicationUid":"{{t.ApplicationUid.Value}}","recordUid":"rec-{{n}}-{{i}}"}"""));
        var json = $$$"""
            {"meta":{"domainId":"5d9b","schema":"person","recordUid":"rec-{{{n}}}","applicationUid":"{{{source.Value}}}",
              "flowId":"{{{flowId.Value}}}","oihUid":"65f{{{n:x21}}}",
              "refs":[{"applicationUid":"{{{source.Value}}}","recordUid":"rec-{{{n}}}"}{{{(refs.Length > 0 ? "," + refs : "")}}}]},
             "data":{"firstName":"Jane","lastName":"Doe","email":"jane.doe@example.com","phone":"+49 30 1234567",
              "address":{"street":"Hauptstrasse 1","city":"Berlin","zip":"10115"},"tags":["customer","newsletter"],"score":42}}
            """;
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new RecordEvent(flowId, operation, RecordMeta.FromJson(root.GetProperty("meta")), root.GetProperty("data").Clone());
    }

    private static App ToDomain(AppSpec spec) => App.Create(
        AppId.Parse(spec.Id),
        ApplicationUid.Parse(spec.ApplicationUid),
        spec.ApplicationName,
        AppSide.Create(Direction.Outbound, spec.Outbound.Active, spec.Outbound.Flows.Select(c => ToDomain(c, Direction.Outbound))),
        AppSide.Create(Direction.Inbound, spec.Inbound.Active, spec.Inbound.Flows.Select(c => ToDomain(c, Direction.Inbound))),
        "5d2484d2a422ca001bda5690");

    private static Connection ToDomain(ConnectionSpec spec, Direction direction) => Connection.Create(
        ConnectionId.Parse(spec.Id),
        direction,
        Schemas.GetOrAdd(spec.SchemaUri, SchemaUri.Parse),
        spec.Operation switch
        {
            null => null,
            "CREATE" => Operation.Create,
            "UPDATE" => Operation.Update,
            _ => Operation.Delete,
        },
        spec.AdapterAction,
        null,
        spec.FlowId is null ? null : FlowId.Parse(spec.FlowId));
}
