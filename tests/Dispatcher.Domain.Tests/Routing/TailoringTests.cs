using Dispatcher.Domain.Configurations;
using Dispatcher.Domain.Routing;
using Dispatcher.Testing;
using static Dispatcher.Testing.ThreeAppExample;

namespace Dispatcher.Domain.Tests.Routing;

public sealed class TailoringTests
{
    // An update as the Data Hub publishes it: the source's own ids plus refs for the apps that know the record.
    private const string UpdateMeta = """
        {"domainId":"5d9b","schema":"person","recordUid":"abcd","applicationUid":"snazzy1234","flowId":"snazzy-out",
         "oihUid":"65f000000000000000000001",
         "refs":[{"applicationUid":"snazzy1234","recordUid":"abcd","modificationHistory":[]},
                 {"applicationUid":"wice5678","recordUid":"efgh","modificationHistory":[]}]}
        """;

    [Test]
    public void Each_target_gets_its_own_application_uid_and_its_record_uid_from_refs()
    {
        var recordEvent = RecordEvents.From(SnazzyOut, Operation.Update, UpdateMeta);

        var dispatches = RoutingPolicy.Route(ThreeAppExample.Build(), recordEvent).Dispatches().ToList();

        dispatches.Select(d => (d.Target.FlowId.Value, d.TailoredMeta().ToJson())).Should().Equal(
            (WiceUpdate, """{"domainId":"5d9b","schema":"person","flowId":"snazzy-out","oihUid":"65f000000000000000000001","applicationUid":"wice5678","recordUid":"efgh"}"""),
            (OutlookUpdate, """{"domainId":"5d9b","schema":"person","flowId":"snazzy-out","oihUid":"65f000000000000000000001","applicationUid":"outlook9012"}"""));
        dispatches.Select(d => d.RecordUid).Should().Equal("efgh", null);
    }

    [Test]
    public void Refs_are_removed_and_the_source_meta_and_data_pass_through()
    {
        var recordEvent = RecordEvents.From(SnazzyOut, Operation.Update, UpdateMeta, """{"firstName":"Jane","lastName":"Doe"}""");

        var dispatch = RoutingPolicy.Route(ThreeAppExample.Build(), recordEvent).Dispatches().First();
        var meta = dispatch.TailoredMeta();

        meta.Refs.Should().BeEmpty();
        meta.Fields.Select(f => f.Key).Should().NotContain("refs");
        meta.GetString("flowId").Should().Be(SnazzyOut, "flowId stays the source flow");
        meta.GetString("oihUid").Should().Be("65f000000000000000000001");
        meta.GetString("domainId").Should().Be("5d9b");
        dispatch.Source.Data.GetRawText().Should().Be("""{"firstName":"Jane","lastName":"Doe"}""");
    }

    [Test]
    public void Tailoring_never_changes_the_incoming_event()
    {
        var recordEvent = RecordEvents.From(SnazzyOut, Operation.Update, UpdateMeta);
        var before = recordEvent.Meta.ToJson();

        foreach (var dispatch in RoutingPolicy.Route(ThreeAppExample.Build(), recordEvent).Dispatches())
        {
            _ = dispatch.TailoredMeta();
        }

        recordEvent.Meta.ToJson().Should().Be(before);
        recordEvent.Meta.Refs.Should().HaveCount(2);
        recordEvent.Meta.GetString("applicationUid").Should().Be("snazzy1234");
        recordEvent.Meta.GetString("recordUid").Should().Be("abcd");
    }

    [Test]
    public void A_create_without_refs_gives_no_record_uid_even_though_the_source_had_one()
    {
        var recordEvent = RecordEvents.From(SnazzyOut, Operation.Create,
            """{"flowId":"snazzy-out","recordUid":"abcd","applicationUid":"snazzy1234","oihUid":"65f0"}""");

        var metas = RoutingPolicy.Route(ThreeAppExample.Build(), recordEvent).Dispatches().Select(d => d.TailoredMeta()).ToList();

        metas.Should().HaveCount(2).And.OnlyContain(m => m.GetString("recordUid") == null);
        metas.Select(m => m.GetString("applicationUid")).Should().Equal("wice5678", "outlook9012");
    }

    [Test]
    public void Malformed_refs_entries_are_ignored()
    {
        var recordEvent = RecordEvents.From(SnazzyOut, Operation.Update,
            """{"flowId":"snazzy-out","refs":[{"applicationUid":"wice5678"},{"recordUid":"x"},42,{"applicationUid":"wice5678","recordUid":7},{"applicationUid":"wice5678","recordUid":"ok"}]}""");

        recordEvent.Meta.Refs.Should().Equal(new RecordRef("wice5678", "ok"));
    }

    [Test]
    public void Tailoring_with_a_record_uid_other_than_the_refs_one_and_special_characters()
    {
        var recordEvent = RecordEvents.From(SnazzyOut, Operation.Update, UpdateMeta);

        var meta = Dispatch.Tailor(recordEvent.Meta, ApplicationUid.Parse("wice5678"), "other \"uid\" é");
        var unknown = Dispatch.Tailor(recordEvent.Meta, ApplicationUid.Parse("app <&'+>"), "x");

        meta.GetString("applicationUid").Should().Be("wice5678");
        meta.GetString("recordUid").Should().Be("other \"uid\" é");
        unknown.GetString("applicationUid").Should().Be("app <&'+>");
        unknown.GetString("recordUid").Should().Be("x");
        unknown.Fields.Select(f => f.Key).Should().Equal("domainId", "schema", "flowId", "oihUid", "applicationUid", "recordUid");
    }

    [Test]
    public void Repeated_tailoring_gives_equal_metas()
    {
        var recordEvent = RecordEvents.From(SnazzyOut, Operation.Update, UpdateMeta);
        var dispatch = RoutingPolicy.Route(ThreeAppExample.Build(), recordEvent).Dispatches().First();

        var first = dispatch.TailoredMeta().ToJson();
        var second = dispatch.TailoredMeta().ToJson();

        second.Should().Be(first).And.Contain("\"recordUid\":\"efgh\"");
        Dispatch.RecordUidFor(recordEvent.Meta, ApplicationUid.Parse("wice5678")).Should().Be("efgh");
        Dispatch.RecordUidFor(recordEvent.Meta, ApplicationUid.Parse("nobody")).Should().BeNull();
    }

    [Test]
    public void The_rule_replaces_only_the_target_fields()
    {
        Dispatch.Keeps("applicationUid").Should().BeFalse();
        Dispatch.Keeps("recordUid").Should().BeFalse();
        Dispatch.Keeps("refs").Should().BeFalse();
        Dispatch.Keeps("flowId").Should().BeTrue();
        Dispatch.Keeps("oihUid").Should().BeTrue();
        Dispatch.Keeps("ApplicationUid").Should().BeTrue("field names are compared ordinally, as the wire writer does");
    }
}
