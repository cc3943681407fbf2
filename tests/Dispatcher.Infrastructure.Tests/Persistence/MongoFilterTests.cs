using Dispatcher.Domain.Configurations;
using Dispatcher.Infrastructure.Persistence.Documents;
using Dispatcher.Infrastructure.Persistence.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>The MongoDB queries as the driver renders them; no server needed.</summary>
public sealed class MongoFilterTests
{
    private static readonly TenantId Tenant = TenantId.Parse("tenant-a");
    private static readonly ConfigurationId Id = ConfigurationId.Parse("65f0000000000000000000a1");
    private const string IdJson = """{ "$oid" : "65f0000000000000000000a1" }""";

    [OneTimeSetUp]
    public void RegisterClassMaps() => MongoDocumentMaps.EnsureRegistered();

    [Test]
    public void Get_filters_on_id_and_tenant()
    {
        Render(ConfigurationFilters.ByTenantAndId(Tenant, Id))
            .Should().Be($$"""{ "_id" : {{IdJson}}, "tenant" : "tenant-a", "deleted" : { "$ne" : true } }""");
    }

    [Test]
    public void List_filters_on_tenant_and_sorts_oldest_first()
    {
        Render(ConfigurationFilters.ByTenant(Tenant)).Should().Be("""{ "tenant" : "tenant-a", "deleted" : { "$ne" : true } }""");
        ConfigurationFilters.OldestFirst.Render(Args()).ToJson().Should().Be("""{ "createdAt" : 1, "_id" : 1 }""");
    }

    [Test]
    public void A_versioned_write_filters_on_id_tenant_version_and_not_a_tombstone()
    {
        Render(ConfigurationFilters.ByTenantIdAndVersion(Tenant, Id, 3))
            .Should().Be($$"""{ "_id" : {{IdJson}}, "tenant" : "tenant-a", "deleted" : { "$ne" : true }, "version" : 3 }""");
    }

    [Test]
    public void A_versioned_write_at_version_0_also_matches_a_document_without_version()
    {
        Render(ConfigurationFilters.ByTenantIdAndVersion(Tenant, Id, 0))
            .Should().Be($$"""{ "_id" : {{IdJson}}, "tenant" : "tenant-a", "deleted" : { "$ne" : true }, "$or" : [{ "version" : 0 }, { "version" : { "$exists" : false } }] }""");
    }

    [Test]
    public void Find_by_source_filters_on_outbound_flow_ids_only()
    {
        Render(ConfigurationFilters.BySourceFlow(FlowId.Parse("65f0000000000000000000f1")))
            .Should().Be("""{ "applications.outbound.flows.flowId" : "65f0000000000000000000f1", "deleted" : { "$ne" : true } }""");
    }

    [Test]
    public void The_indexes_are_on_tenant_and_on_outbound_flow_ids()
    {
        MongoIndexInitializer.Indexes.Select(i => i.Keys.Render(Args()).ToJson())
            .Should().Equal("""{ "tenant" : 1 }""", """{ "applications.outbound.flows.flowId" : 1 }""");
    }

    private static RenderArgs<ConfigurationDocument> Args() =>
        new(BsonSerializer.LookupSerializer<ConfigurationDocument>(), BsonSerializer.SerializerRegistry);

    private static string Render(FilterDefinition<ConfigurationDocument> filter) => filter.Render(Args()).ToJson();
}
