using Dispatcher.TestSupport.Domain;
using BenchmarkDotNet.Attributes;
using Dispatcher.Application.Routing;
using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;

namespace Dispatcher.Benchmarks;

/// <summary>
/// Building the routing table from 100,000 configurations (what start-up does after reading the store), and
/// applying one configuration change to a table of that size (what a change notification does).
/// </summary>
[MemoryDiagnoser]
[JsonExporterAttribute.Brief]
public class TableMaintenanceBenchmarks
{
    private static readonly DateTimeOffset Later = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private Configuration[] _configurations = null!;
    private RoutingTable _table = null!;
    private Configuration _original = null!;
    private Configuration _changed = null!;
    private bool _flip;

    /// <summary>Configurations in the table.</summary>
    [Params(100_000)]
    public int Configurations { get; set; }

    /// <summary>Generates the configurations (not measured).</summary>
    [GlobalSetup(Target = nameof(Build))]
    public void SetupBuild() => _configurations = DomainMix.Configurations(Configurations);

    /// <summary>Builds the full table and two versions of one configuration in the middle of it.</summary>
    [GlobalSetup(Target = nameof(UpsertOneChange))]
    public void SetupUpsert()
    {
        _configurations = DomainMix.Configurations(Configurations);
        _table = DomainMix.BuildTable(_configurations);
        // A hub configuration (every 10th): its change touches the most entries a realistic configuration has.
        _original = _configurations[Configurations / 2 / 10 * 10];
        _changed = DomainMix.ToDomain(Dispatcher.Bench.ConfigurationMix.Generate(Configurations).ElementAt(Configurations / 2 / 10 * 10));
        var target = _changed.Apps[1];
        _changed.SwitchSide(target.Id, Direction.Inbound, active: false, Later);
    }

    /// <summary>Builds a table from every configuration.</summary>
    [Benchmark]
    public RoutingTable Build() => DomainMix.BuildTable(_configurations);

    /// <summary>Applies one change (an app's inbound side switched off, then on again: alternating versions).</summary>
    [Benchmark]
    public int UpsertOneChange()
    {
        _flip = !_flip;
        _table.Upsert(_flip ? _changed : _original);
        return _table.SourceCount;
    }
}
