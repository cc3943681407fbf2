using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>The queries, updates and documents of the lease and flow cleanup collections as the driver renders them; no server needed.</summary>
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
    public void Due_entries_are_those_whose_next_attempt_is_not_later_oldest_first_then_by_flow_id()
    {
        Render(FlowCleanupFilters.DueAt(Now)).Should().Be($$"""{ "nextAttemptAt" : { "$lte" : {{NowJson}} } }""");
        FlowCleanupFilters.DueFirst.Render(Args<FlowCleanupDocument>()).ToJson()
            .Should().Be("""{ "nextAttemptAt" : 1, "_id" : 1 }""");
    }

    [Test]
    public void The_flow_cleanup_index_serves_the_due_query_and_its_order()
    {
        FlowCleanupFilters.Indexes.Select(i => i.Keys.Render(Args<FlowCleanupDocument>()).ToJson())
            .Should().Equal("""{ "nextAttemptAt" : 1, "_id" : 1 }""");
    }

    [Test]
    public void Complete_and_reschedule_address_the_entry_by_flow_id()
    {
        Render(FlowCleanupFilters.ByFlow(FlowId.Parse("flow-1"))).Should().Be("""{ "_id" : "flow-1" }""");
    }

    [Test]
    public void Reschedule_counts_the_attempt_and_sets_the_next_time_and_the_error()
    {
        Render(FlowCleanupFilters.Rescheduled(Now, "still running"))
            .Should().Be($$"""{ "$inc" : { "attempts" : 1 }, "$set" : { "nextAttemptAt" : {{NowJson}}, "lastError" : "still running" } }""");
    }

    [Test]
    public void A_flow_cleanup_document_has_the_flow_id_as_id_and_the_configuration_as_ObjectId()
    {
        var document = new FlowCleanupDocument
        {
            Id = "flow-1",
            Tenant = "tenant-a",
            ConfigurationId = "65f0000000000000000000a1",
            CreatedAt = Now.UtcDateTime,
            Attempts = 0,
            NextAttemptAt = Now.UtcDateTime,
        };

        document.ToBsonDocument().ToJson().Should().Be(
            $$"""{ "_id" : "flow-1", "tenant" : "tenant-a", "configurationId" : { "$oid" : "65f0000000000000000000a1" }, "createdAt" : {{NowJson}}, "attempts" : 0, "nextAttemptAt" : {{NowJson}} }""");
        BsonSerializer.Deserialize<FlowCleanupDocument>((document.ToBsonDocument() as BsonDocument).Add("lastError", "failed"))
            .Should().BeEquivalentTo(new FlowCleanupDocument
            {
                Id = "flow-1",
                Tenant = "tenant-a",
                ConfigurationId = "65f0000000000000000000a1",
                CreatedAt = Now.UtcDateTime,
                Attempts = 0,
                NextAttemptAt = Now.UtcDateTime,
                LastError = "failed",
            });
    }

    private static RenderArgs<T> Args<T>() => new(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry);

    private static string Render<T>(FilterDefinition<T> filter) => filter.Render(Args<T>()).ToJson();

    private static string Render<T>(UpdateDefinition<T> update) => update.Render(Args<T>()).ToJson();
}
