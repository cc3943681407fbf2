using Dispatcher.Application.Ports;
using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Documents;
using Dispatcher.Infrastructure.Persistence.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>The queries, updates and documents of the lease and flow work documents as the driver renders them; no server needed.</summary>
public sealed class MongoWorkFilterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, 123, TimeSpan.Zero);
    private const string NowJson = """{ "$date" : "2026-11-26T12:00:00.123Z" }""";

    [OneTimeSetUp]
    public void RegisterClassMaps() => MongoWorkDocumentMaps.EnsureRegistered();

    [Test]
    public void Acquiring_matches_the_lease_when_the_holder_holds_it_or_it_expired()
    {
        Render(LeaseFilters.Acquirable("reconciler", "instance-a", Now))
            .Should().Be($$"""{ "_id" : "reconciler", "$or" : [{ "holder" : "instance-a" }, { "expiresAt" : { "$lte" : {{NowJson}} } }] }""");
    }

    [Test]
    public void Acquiring_sets_holder_and_expiry_to_the_millisecond()
    {
        Render(LeaseFilters.Take("instance-a", Now.AddTicks(9999)))
            .Should().Be($$"""{ "$set" : { "holder" : "instance-a", "expiresAt" : {{NowJson}} } }""");
    }

    [Test]
    public void Releasing_matches_the_lease_only_with_its_holder()
    {
        Render(LeaseFilters.HeldBy("reconciler", "instance-a"))
            .Should().Be("""{ "_id" : "reconciler", "holder" : "instance-a" }""");
    }

    [Test]
    public void A_lease_document_has_the_name_as_id()
    {
        new LeaseDocument { Id = "reconciler", Holder = "instance-a", ExpiresAt = Now.UtcDateTime }.ToBsonDocument().ToJson()
            .Should().Be($$"""{ "_id" : "reconciler", "holder" : "instance-a", "expiresAt" : {{NowJson}} }""");
    }

    [Test]
    public void A_flow_work_entry_has_the_flow_id_as_id_and_the_configuration_as_ObjectId()
    {
        var document = new FlowWorkDocument
        {
            Id = "flow-1",
            Generation = 7,
            Kind = "remove",
            Tenant = "tenant-a",
            ConfigurationId = "65f0000000000000000000a1",
            RequestedAt = Now.UtcDateTime,
            NextAttemptAt = Now.UtcDateTime,
        };

        document.ToBsonDocument().ToJson().Should().Be(
            $$"""{ "_id" : "flow-1", "generation" : 7, "kind" : "remove", "tenant" : "tenant-a", "configurationId" : { "$oid" : "65f0000000000000000000a1" }, "requestedAt" : {{NowJson}}, "attempts" : 0, "nextAttemptAt" : {{NowJson}} }""");
        BsonSerializer.Deserialize<FlowWorkDocument>(document.ToBsonDocument().Add("lastError", "failed"))
            .Should().BeEquivalentTo(document, o => o.Excluding(d => d.LastError))
            .And.Match<FlowWorkDocument>(d => d.LastError == "failed");
    }

    [Test]
    public void Work_is_stored_due_at_once_and_read_back_unchanged()
    {
        var work = new FlowWork(FlowId.Parse("flow-1"), FlowWorkKind.DeclareDestination, null, ConfigurationId.Parse("65f0000000000000000000a1"), Now);

        var document = MongoFlowWork.ToDocument(work);

        document.Kind.Should().Be("declare-destination");
        document.Tenant.Should().BeNull();
        document.NextAttemptAt.Should().Be(Now.UtcDateTime);
        MongoFlowWork.ToDomain(document).Should().Be(new PendingFlowWork(work, document.Generation, 0, Now, null));
    }

    [Test]
    public void New_work_is_merged_into_the_stored_array_by_the_server_in_the_same_update()
    {
        var merged = MongoFlowWork.MergedWork([MongoFlowWork.ToDocument(Work("flow-2"))]).ToJson();

        // Earlier entries for other flows stay; an earlier removal of the same flow stays; new entries are literals.
        merged.Should().StartWith("""{ "$let" : { "vars" : { "removing" : { "$map" : { "input" : { "$filter" : { "input" : { "$ifNull" : ["$flowWork", []] }""")
            .And.Contain("""{ "$or" : [{ "$not" : [{ "$in" : ["$$w._id", { "$literal" : ["flow-2"] }] }] }, { "$eq" : ["$$w.kind", "remove"] }] }""")
            .And.Contain("""{ "$filter" : { "input" : { "$literal" : [{ "_id" : "flow-2", """)
            .And.Contain("""{ "$not" : [{ "$in" : ["$$n._id", "$$removing"] }] }""");
    }

    [Test]
    public void A_change_replaces_the_stored_state_as_a_literal_and_merges_its_work()
    {
        MongoDocumentMaps.EnsureRegistered();
        var document = new ConfigurationDocument { Id = "65f0000000000000000000a1", Tenant = "tenant-a", Name = "$where", Version = 2 };

        var stages = MongoFlowWork.Replacement(document, [MongoFlowWork.ToDocument(Work("flow-2"))])
            .Render(new RenderArgs<ConfigurationDocument>(BsonSerializer.LookupSerializer<ConfigurationDocument>(), BsonSerializer.SerializerRegistry))
            .Documents;

        var stage = stages.Should().ContainSingle().Subject.ToJson();
        stage.Should().StartWith("""{ "$replaceWith" : { "$mergeObjects" : [{ "$literal" : { "_id" : { "$oid" : "65f0000000000000000000a1" }, "tenant" : "tenant-a", "name" : "$where", """)
            .And.Contain("""{ "flowWork" : { "$let" : """)
            .And.NotContain("\"deleted\"");
    }

    [Test]
    public void A_delete_leaves_a_tombstone_of_id_tenant_and_work_that_goes_once_its_work_is_done()
    {
        MongoDocumentMaps.EnsureRegistered();
        var stage = MongoFlowWork.Tombstone([MongoFlowWork.ToDocument(Work("flow-2"))])
            .Render(new RenderArgs<ConfigurationDocument>(BsonSerializer.LookupSerializer<ConfigurationDocument>(), BsonSerializer.SerializerRegistry))
            .Documents.Single().ToJson();

        stage.Should().StartWith("""{ "$replaceWith" : { "_id" : "$_id", "tenant" : "$tenant", "deleted" : true, "flowWork" : { "$let" : """);
        Render(MongoFlowWork.FinishedTombstone("65f0000000000000000000a1"))
            .Should().Be("""{ "_id" : { "$oid" : "65f0000000000000000000a1" }, "deleted" : true, "flowWork" : { "$size" : 0 } }""");
    }

    [Test]
    public void Reads_never_see_tombstones()
    {
        Render(MongoFlowWork.NotDeleted).Should().Be("""{ "deleted" : { "$ne" : true } }""");
    }

    [Test]
    public void Due_embedded_entries_are_unwound_oldest_first_up_to_the_maximum()
    {
        MongoDocumentMaps.EnsureRegistered();
        var stages = MongoFlowWork.DueEntries(Now, 50)
            .Render(new RenderArgs<ConfigurationDocument>(BsonSerializer.LookupSerializer<ConfigurationDocument>(), BsonSerializer.SerializerRegistry))
            .Documents.Select(d => d.ToJson()).ToList();

        stages.Should().Equal(
            $$"""{ "$match" : { "flowWork.nextAttemptAt" : { "$lte" : {{NowJson}} } } }""",
            """{ "$unwind" : "$flowWork" }""",
            $$"""{ "$match" : { "flowWork.nextAttemptAt" : { "$lte" : {{NowJson}} } } }""",
            """{ "$sort" : { "flowWork.nextAttemptAt" : 1, "flowWork._id" : 1 } }""",
            """{ "$limit" : 50 }""",
            """{ "$replaceWith" : "$flowWork" }""");
    }

    [Test]
    public void An_embedded_entry_is_claimed_completed_and_rescheduled_by_flow_id_and_generation()
    {
        var entry = new PendingFlowWork(Work("flow-1"), 42, 0, Now, null);

        Render(MongoFlowWork.Holding(entry, dueBy: Now)).Should().Be(
            $$"""{ "_id" : { "$oid" : "65f0000000000000000000a1" }, "flowWork" : { "$elemMatch" : { "_id" : "flow-1", "generation" : 42, "nextAttemptAt" : { "$lte" : {{NowJson}} } } } }""");
        Render(MongoFlowWork.Pulled(entry)).Should().Be("""{ "$pull" : { "flowWork" : { "_id" : "flow-1", "generation" : 42 } } }""");
        Render(MongoFlowWork.EmbeddedRescheduled(Now, "failed", failed: true, keepError: false)).Should().Be(
            $$"""{ "$set" : { "flowWork.$.nextAttemptAt" : {{NowJson}}, "flowWork.$.lastError" : "failed" }, "$inc" : { "flowWork.$.attempts" : 1 } }""");
        Render(MongoFlowWork.EmbeddedRescheduled(Now, null, failed: false, keepError: true)).Should().Be(
            $$"""{ "$set" : { "flowWork.$.nextAttemptAt" : {{NowJson}} } }""");
    }

    [Test]
    public void A_standalone_entry_keeps_a_pending_removal_when_replaced()
    {
        var stage = MongoFlowWork.StandaloneUpsert(MongoFlowWork.ToDocument(Work("flow-1", FlowWorkKind.Start)))
            .Render(new RenderArgs<FlowWorkDocument>(BsonSerializer.LookupSerializer<FlowWorkDocument>(), BsonSerializer.SerializerRegistry))
            .Documents.Single().ToJson();

        stage.Should().StartWith("""{ "$replaceWith" : { "$cond" : [{ "$eq" : ["$kind", "remove"] }, { "$mergeObjects" : [{ "$literal" : { "_id" : "flow-1", """)
            .And.Contain("""{ "kind" : "remove" }""");
        Render(MongoFlowWork.StandaloneDue(Now)).Should().Be($$"""{ "nextAttemptAt" : { "$lte" : {{NowJson}} } }""");
    }

    [Test]
    public void The_indexes_serve_the_due_queries()
    {
        MongoFlowWork.StandaloneIndexes.Select(i => i.Keys.Render(Args<FlowWorkDocument>()).ToJson())
            .Should().Equal("""{ "nextAttemptAt" : 1, "_id" : 1 }""");
        MongoDocumentMaps.EnsureRegistered();
        MongoFlowWork.ConfigurationIndexes.Select(i => i.Keys.Render(Args<ConfigurationDocument>()).ToJson())
            .Should().Equal("""{ "flowWork.nextAttemptAt" : 1 }""");
    }

    private static FlowWork Work(string flowId, FlowWorkKind kind = FlowWorkKind.Remove) =>
        new(FlowId.Parse(flowId), kind, TenantId.Parse("tenant-a"), ConfigurationId.Parse("65f0000000000000000000a1"), Now);

    private static RenderArgs<T> Args<T>() => new(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry);

    private static string Render<T>(FilterDefinition<T> filter) => filter.Render(Args<T>()).ToJson();

    private static string Render<T>(UpdateDefinition<T> update) => update.Render(Args<T>()).ToJson();
}
