using System.Text.Json;
using Dispatcher.Contracts;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Testing.Tests;

public sealed class RecordChangedFactoryTests
{
    [Test]
    public void Two_factories_with_the_same_seed_create_the_same_event_ids_in_the_same_order()
    {
        var first = new RecordChangedFactory("seed-a");
        var second = new RecordChangedFactory("seed-a");

        var a = Enumerable.Range(0, 3).Select(_ => first.Create(SnazzyOut, RecordOperation.Create).EventId).ToList();
        var b = Enumerable.Range(0, 3).Select(_ => second.Create(SnazzyOut, RecordOperation.Update).EventId).ToList();

        a.Should().Equal(b).And.OnlyHaveUniqueItems();
        first.Count.Should().Be(3);
    }

    [Test]
    public void Another_seed_gives_other_event_ids()
    {
        var a = new RecordChangedFactory("seed-a").Create(SnazzyOut, RecordOperation.Create).EventId;
        var b = new RecordChangedFactory("seed-b").Create(SnazzyOut, RecordOperation.Create).EventId;

        a.Should().NotBe(b);
    }

    [Test]
    public void Event_ids_are_name_based_uuids_of_seed_and_sequence_stable_across_versions()
    {
        // Values computed independently (Python: SHA-256 of "<seed>\n<sequence>", RFC 9562 version 8 layout).
        new RecordChangedFactory().Create(SnazzyOut, RecordOperation.Create).EventId.Should().Be(Guid.Parse("5321f033-025d-86ca-b46d-df6ed6f26eec"));
        RecordChangedFactory.EventIdFor("seed-a", 2).Should().Be(Guid.Parse("5dc93a04-88ed-882e-a32a-c6a6a0a08abd"));

        var factory = new RecordChangedFactory("seed-a");
        factory.Create(SnazzyOut, RecordOperation.Create);
        factory.Create(SnazzyOut, RecordOperation.Create).EventId.Should().Be(RecordChangedFactory.EventIdFor("seed-a", 2));
        RecordChangedFactory.EventIdFor("seed-a", 2).Version.Should().Be(8);
    }

    [Test]
    public void A_change_from_a_flow_carries_the_flow_operation_refs_data_and_an_oih_uid_from_the_event_id()
    {
        var changed = new RecordChangedFactory().Create(
            SnazzyOut, RecordOperation.Update, [RecordChangedFactory.Ref(WiceUid, "w-1")], new { firstName = "Jane" });

        changed.FlowId.Should().Be(SnazzyOut);
        changed.Operation.Should().Be(RecordOperation.Update);
        changed.Refs.Should().Equal(new RecordReference { ApplicationUid = WiceUid, RecordUid = "w-1" });
        changed.Data.GetRawText().Should().Be("""{"firstName":"Jane"}""");
        Json(changed.Meta).Should().Be($$"""{"oihUid":"{{changed.EventId.ToString("N")[..24]}}"}""");
    }

    [Test]
    public void A_change_without_data_has_an_empty_object()
    {
        new RecordChangedFactory().Create(SnazzyOut, RecordOperation.Delete).Data.GetRawText().Should().Be("{}");
    }

    [Test]
    public void A_change_from_an_app_of_a_configuration_uses_its_outbound_flow_for_the_schema_and_describes_the_source()
    {
        var configuration = ThreeAppExample.Build();

        var changed = new RecordChangedFactory().Create(
            configuration, WiceUid, Person, RecordOperation.Create,
            [RecordChangedFactory.Ref(WiceUid, "w-1"), RecordChangedFactory.Ref(SnazzyUid, "s-1")]);

        changed.FlowId.Should().Be(WiceOut);
        Json(changed.Meta).Should().Be(
            $$"""{"oihUid":"{{changed.EventId.ToString("N")[..24]}}","schema":"{{Person}}","applicationUid":"{{WiceUid}}","recordUid":"w-1"}""");
        changed.Refs.Select(r => r.ApplicationUid).Should().Equal(WiceUid, SnazzyUid);
    }

    [Test]
    public void A_change_from_an_app_without_a_matching_provisioned_outbound_connection_is_refused()
    {
        var factory = new RecordChangedFactory();
        var configuration = ThreeAppExample.Build();

        var unknownApp = () => factory.Create(configuration, "nobody", Person, RecordOperation.Create);
        var otherSchema = () => factory.Create(configuration, WiceUid, "http://metadata.example.com/schemas/organization", RecordOperation.Create);

        unknownApp.Should().Throw<InvalidOperationException>().WithMessage("*no app 'nobody'*");
        otherSchema.Should().Throw<InvalidOperationException>().WithMessage("*no provisioned outbound connection*");
        factory.Count.Should().Be(0, "refused messages use no sequence number");
    }

    [Test]
    public void Concurrent_use_gives_every_message_its_own_sequence_number()
    {
        var factory = new RecordChangedFactory("parallel");

        var ids = new Guid[1000];
        Parallel.For(0, ids.Length, i => ids[i] = factory.Create(SnazzyOut, RecordOperation.Create).EventId);

        ids.Should().BeEquivalentTo(Enumerable.Range(1, ids.Length).Select(n => RecordChangedFactory.EventIdFor("parallel", n)));
        factory.Count.Should().Be(ids.Length);
    }

    private static string Json(IReadOnlyDictionary<string, JsonElement> meta) => JsonSerializer.Serialize(meta);
}
