using System.Text.Json;
using Dispatcher.Contracts;

namespace Dispatcher.Contracts.Tests;

/// <summary>
/// "Additive changes only": a message written by any released version of the contracts still deserializes with the
/// current types, with every field it carried. New versions add a folder of samples (DISPATCHER_WRITE_CONTRACT_SAMPLES).
/// </summary>
public sealed class ContractCompatibilityTests
{
    public static IEnumerable<string> Versions => ContractSamples.Versions;

    [Test]
    public void There_are_samples_of_at_least_one_released_version() =>
        ContractSamples.Versions.Should().Contain("1.0");

    [TestCaseSource(nameof(Versions))]
    public void A_RecordChanged_of_every_version_deserializes_with_all_its_fields(string version)
    {
        var message = ContractSamples.Read<RecordChanged>(version, nameof(RecordChanged));

        message.EventId.Should().Be(Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"));
        message.FlowId.Should().Be("65f000000000000000000001");
        message.Operation.Should().Be(RecordOperation.Update);
        message.Meta.Keys.Should().BeEquivalentTo("oihUid", "domainId");
        message.Meta["oihUid"].GetString().Should().Be("65f000000000000000000009");
        message.Refs.Should().Equal(
            new RecordReference { ApplicationUid = "snazzy1234", RecordUid = "s-1" },
            new RecordReference { ApplicationUid = "wice5678", RecordUid = "w-1" });
        message.Data.GetProperty("lastName").GetString().Should().Be("Doe");
    }

    [TestCaseSource(nameof(Versions))]
    public void A_minimal_RecordChanged_of_every_version_deserializes_with_defaults_for_what_it_left_out(string version)
    {
        var message = ContractSamples.Read<RecordChanged>(version, $"{nameof(RecordChanged)}.minimal");

        message.Operation.Should().Be(RecordOperation.Delete);
        message.Meta.Should().BeEmpty();
        message.Refs.Should().BeEmpty();
        message.Data.ValueKind.Should().Be(JsonValueKind.Undefined, "an absent record stays absent");
    }

    [TestCaseSource(nameof(Versions))]
    public void A_RecordDispatched_of_every_version_deserializes_with_all_its_fields(string version)
    {
        var message = ContractSamples.Read<RecordDispatched>(version, nameof(RecordDispatched));

        message.TargetFlowId.Should().Be("65f000000000000000000002");
        message.ApplicationUid.Should().Be("wice5678");
        message.RecordUid.Should().Be("w-1");
        message.Operation.Should().Be(RecordOperation.Create);
        message.Meta.Keys.Should().BeEquivalentTo("flowId", "applicationUid", "recordUid");
        message.Meta["flowId"].GetString().Should().Be("65f000000000000000000001");
        message.Data.GetProperty("firstName").GetString().Should().Be("Jane");
    }

    [TestCaseSource(nameof(Versions))]
    public void A_ConfigurationChanged_of_every_version_deserializes_with_all_its_fields(string version)
    {
        var changed = ContractSamples.Read<ConfigurationChanged>(version, nameof(ConfigurationChanged));
        var deleted = ContractSamples.Read<ConfigurationChanged>(version, $"{nameof(ConfigurationChanged)}.deleted");

        changed.Should().Be(new ConfigurationChanged { ConfigurationId = "65f0000000000000000000aa", Tenant = "demo", Deleted = false, Version = 3 });
        deleted.Should().Be(new ConfigurationChanged { ConfigurationId = "65f0000000000000000000aa", Tenant = "demo", Deleted = true, Version = 0 });
    }

    [Test]
    public void The_newest_samples_are_what_the_current_types_write()
    {
        // When a contract gains a member, the newest samples no longer match: add a new version folder (see
        // docs/packages.md) rather than editing a released one.
        var newest = ContractSamples.Versions[^1];
        foreach (var (name, message) in ContractSamples.Current)
        {
            var committed = File.ReadAllText(Path.Combine(ContractSamples.OutputFolder, newest, $"{name}.json"));
            committed.ReplaceLineEndings("\n").Should().Be(ContractSamples.Envelope(message), $"{newest}/{name}.json is the current serialization");
        }
    }

    [Test]
    public void Every_message_type_has_a_sample_in_the_newest_version()
    {
        var types = typeof(RecordChanged).Assembly.GetExportedTypes().Where(t => t.IsClass).ToList();
        // Parts (types used as members of other contracts, like RecordReference) travel inside a message.
        var parts = types.SelectMany(t => t.GetProperties()).Select(p => p.PropertyType)
            .SelectMany(t => t.IsGenericType ? t.GetGenericArguments() : [t]).ToHashSet();
        var messages = types.Where(t => !parts.Contains(t)).Select(t => t.Name);
        var newest = Path.Combine(ContractSamples.OutputFolder, ContractSamples.Versions[^1]);

        messages.Should().BeEquivalentTo(nameof(RecordChanged), nameof(RecordDispatched), nameof(ConfigurationChanged));
        messages.Should().OnlyContain(m => File.Exists(Path.Combine(newest, $"{m}.json")));
    }

    [Test]
    [Explicit("Writes files: run with DISPATCHER_WRITE_CONTRACT_SAMPLES=<version> when a release changes the contracts.")]
    public void Write_the_current_samples()
    {
        var version = Environment.GetEnvironmentVariable("DISPATCHER_WRITE_CONTRACT_SAMPLES");
        if (string.IsNullOrWhiteSpace(version))
        {
            Assert.Ignore("Set DISPATCHER_WRITE_CONTRACT_SAMPLES to the contract version (e.g. 1.1).");
        }

        ContractSamples.Write(version!);
        Directory.GetFiles(Path.Combine(ContractSamples.SourceFolder(), version!), "*.json").Should().HaveCount(ContractSamples.Current.Count);
    }
}
