using System.Text.Json;
using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;
using Dispatcher.Infrastructure.Persistence.Documents;
using Dispatcher.Infrastructure.Persistence.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>The BSON shape of the document model and its mapping to the domain; no server needed.</summary>
public sealed class MongoDocumentTests
{
    private const string Tenant = "5e9b0c6e5b3b3a0012345678";

    [OneTimeSetUp]
    public void RegisterClassMaps() => MongoDocumentMaps.EnsureRegistered();

    /// <summary>A configuration as the original Node service stored it: Mongoose's <c>__v</c>, no <c>version</c>, no <c>fields</c>.</summary>
    internal static BsonDocument OriginalServiceDocument() => new()
    {
        { "_id", ObjectId.Parse("65f0000000000000000000a1") },
        { "tenant", Tenant },
        { "name", "TestConfig" },
        { "dataModel", "5d9b0c6e5b3b3a0012340000" },
        {
            "applications", new BsonArray
            {
                new BsonDocument
                {
                    { "_id", ObjectId.Parse("65f0000000000000000000b1") },
                    { "applicationName", "Wice CRM" },
                    { "applicationUid", "wice5678" },
                    { "adapterComponentId", "5d2484d2a422ca001bda5690" },
                    { "transformerComponentId", "5d2484d2a422ca001bda5691" },
                    { "secretId", "5d2484d2a422ca001bda5692" },
                    {
                        "outbound", new BsonDocument
                        {
                            { "active", true },
                            {
                                "flows", new BsonArray
                                {
                                    new BsonDocument
                                    {
                                        { "_id", ObjectId.Parse("65f0000000000000000000c1") },
                                        { "adapterAction", "getPersons" },
                                        { "transformerAction", "transformToOih" },
                                        { "schemaUri", ThreeAppExample.Person },
                                        { "flowId", "65f0000000000000000000f1" },
                                    },
                                }
                            },
                        }
                    },
                    {
                        "inbound", new BsonDocument
                        {
                            { "_id", ObjectId.Parse("65f0000000000000000000d0") },
                            { "active", true },
                            {
                                "flows", new BsonArray
                                {
                                    new BsonDocument
                                    {
                                        { "_id", ObjectId.Parse("65f0000000000000000000c2") },
                                        { "operation", "CREATE" },
                                        { "adapterAction", "createContact" },
                                        { "transformerAction", "transformFromOih" },
                                        { "schemaUri", ThreeAppExample.Person },
                                        { "flowId", "65f0000000000000000000f2" },
                                    },
                                }
                            },
                        }
                    },
                },
                new BsonDocument
                {
                    { "_id", ObjectId.Parse("65f0000000000000000000b2") },
                    { "applicationName", "MS Outlook" },
                    { "applicationUid", "outlook9012" },
                    { "outbound", new BsonDocument { { "active", false }, { "flows", new BsonArray() } } },
                    { "inbound", new BsonDocument { { "active", true }, { "flows", new BsonArray() } } },
                },
            }
        },
        { "createdAt", new BsonDateTime(new DateTime(2024, 3, 12, 8, 30, 15, 250, DateTimeKind.Utc)) },
        { "updatedAt", new BsonDateTime(new DateTime(2024, 3, 13, 9, 0, 0, DateTimeKind.Utc)) },
        { "__v", 0 },
    };

    [Test]
    public void The_document_has_the_original_field_names_with_ObjectIds_and_a_version()
    {
        var configuration = StoredConfigurations.Rich();

        var bson = ConfigurationDocumentMapper.ToDocument(configuration, version: 7).ToBsonDocument();

        bson.Names.Should().Equal("_id", "tenant", "name", "dataModel", "applications", "createdAt", "updatedAt", "__v", "version");
        bson["_id"].Should().Be(ObjectId.Parse(configuration.Id.Value));
        bson["tenant"].Should().Be(new BsonString("tenant-a"));
        bson["version"].Should().Be(new BsonInt64(7));
        bson["createdAt"].Should().Be(new BsonDateTime(new DateTime(2026, 11, 26, 12, 0, 0, 123, DateTimeKind.Utc)));

        var snazzy = bson["applications"][0].AsBsonDocument;
        snazzy.Names.Should().Equal(
            "_id", "applicationName", "applicationUid", "adapterComponentId", "fields", "outbound", "inbound");
        snazzy["_id"].Should().Be(ObjectId.Parse(configuration.Apps[0].Id.Value));
        snazzy["fields"].Should().Be(new BsonDocument());
        var outbound = snazzy["outbound"]["flows"][0].AsBsonDocument;
        outbound.Names.Should().Equal("_id", "adapterAction", "schemaUri", "flowId");
        outbound["_id"].Should().Be(ObjectId.Parse(configuration.Apps[0].Outbound.Connections[0].Id.Value));
        outbound["flowId"].Should().Be(new BsonString(ThreeAppExample.SnazzyOut));
        snazzy["inbound"]["flows"][0]["operation"].Should().Be(new BsonString("CREATE"));
        snazzy["inbound"]["active"].Should().Be(BsonBoolean.True);

        var crm = bson["applications"][3].AsBsonDocument;
        crm["secretId"].Should().Be(new BsonString("65f00000000000000000abcd"));
        crm["inbound"]["flows"][0].AsBsonDocument.Names.Should().Equal(
            "_id", "operation", "transformerAction", "adapterAction", "schemaUri", "flowId");
        crm["inbound"]["flows"][0]["operation"].Should().Be(new BsonString("DELETE"));
        crm["outbound"]["flows"][1].AsBsonDocument.Contains("flowId").Should().BeFalse("an unprovisioned connection has no flowId");
        crm["fields"].Should().Be(BsonDocument.Parse(
            """{ "baseUrl" : "https://crm.example.org", "pageSize" : 50, "big" : NumberLong("9007199254740993"), "ratio" : 0.25, "flags" : [true, false, null], "nested" : { "region" : "eu", "limits" : { "daily" : 1000 } } }"""));
    }

    [Test]
    public void The_document_deserializes_and_maps_back_to_an_equal_configuration()
    {
        var configuration = StoredConfigurations.Rich();
        var bson = ConfigurationDocumentMapper.ToDocument(configuration, configuration.Version).ToBsonDocument();

        var loaded = ConfigurationDocumentMapper.ToDomain(BsonSerializer.Deserialize<ConfigurationDocument>(bson));

        loaded.ShouldHaveStateOf(configuration);
    }

    [Test]
    public void A_document_of_the_original_service_reads_as_version_0()
    {
        var document = BsonSerializer.Deserialize<ConfigurationDocument>(OriginalServiceDocument());

        var configuration = ConfigurationDocumentMapper.ToDomain(document);

        configuration.Version.Should().Be(0);
        configuration.Id.Value.Should().Be("65f0000000000000000000a1");
        configuration.Tenant.Value.Should().Be(Tenant);
        configuration.Name.Should().Be("TestConfig");
        configuration.DataModel.Should().Be("5d9b0c6e5b3b3a0012340000");
        configuration.CreatedAt.Should().Be(new DateTimeOffset(2024, 3, 12, 8, 30, 15, 250, TimeSpan.Zero));
        configuration.UpdatedAt.Should().Be(new DateTimeOffset(2024, 3, 13, 9, 0, 0, TimeSpan.Zero));
        configuration.Apps.Select(a => a.ApplicationUid.Value).Should().Equal("wice5678", "outlook9012");
        var wice = configuration.Apps[0];
        wice.Id.Value.Should().Be("65f0000000000000000000b1");
        wice.ApplicationName.Should().Be("Wice CRM");
        wice.SecretId.Should().Be("5d2484d2a422ca001bda5692");
        wice.Fields.Should().Be(AppFields.Empty);
        var source = wice.Outbound.Connections.Should().ContainSingle().Subject;
        source.Id.Value.Should().Be("65f0000000000000000000c1");
        source.Operation.Should().BeNull();
        source.AdapterAction.Should().Be("getPersons");
        source.TransformerAction.Should().Be("transformToOih");
        source.SchemaUri.Should().Be(SchemaUri.Parse(ThreeAppExample.Person));
        source.FlowId.Should().Be(FlowId.Parse("65f0000000000000000000f1"));
        var target = wice.Inbound.Connections.Should().ContainSingle().Subject;
        target.Operation.Should().Be(Operation.Create);
        target.FlowId.Should().Be(FlowId.Parse("65f0000000000000000000f2"));
        configuration.Apps[1].Outbound.Active.Should().BeFalse();
        configuration.Apps[1].Connections.Should().BeEmpty();
    }

    [Test]
    public void A_stored_version_is_read()
    {
        var bson = OriginalServiceDocument();
        bson["version"] = new BsonInt64(12);

        BsonSerializer.Deserialize<ConfigurationDocument>(bson).Version.Should().Be(12);
    }

    [Test]
    public void A_document_breaking_a_domain_rule_is_reported_as_invalid_stored_data()
    {
        var bson = OriginalServiceDocument();
        bson["applications"][0]["inbound"]["flows"][0].AsBsonDocument.Remove("operation");
        var document = BsonSerializer.Deserialize<ConfigurationDocument>(bson);

        var map = () => ConfigurationDocumentMapper.ToDomain(document);

        map.Should().Throw<InvalidDataException>().WithMessage("*65f0000000000000000000a1*operation*");
    }

    [Test]
    public void Fields_round_trip_as_an_embedded_document_keeping_dollar_and_dotted_keys_as_plain_data()
    {
        const string json = """{"$date":"not a date","a.b":1,"n":1.5,"neg":-2,"s":"é<>&","deep":{"arr":[{"k":[]},null,"x"]},"max":9223372036854775807}""";
        var fields = AppFields.FromElement(JsonDocument.Parse(json).RootElement);
        var serializer = new JsonElementBsonSerializer();

        var bson = new BsonDocument();
        using (var writer = new MongoDB.Bson.IO.BsonDocumentWriter(bson))
        {
            writer.WriteStartDocument();
            writer.WriteName("fields");
            serializer.Serialize(BsonSerializationContext.CreateRoot(writer), fields.ToElement());
            writer.WriteEndDocument();
        }

        using var reader = new MongoDB.Bson.IO.BsonDocumentReader(bson);
        reader.ReadStartDocument();
        reader.ReadName();
        var back = serializer.Deserialize(BsonDeserializationContext.CreateRoot(reader));

        bson["fields"]["$date"].Should().Be(new BsonString("not a date"));
        bson["fields"]["a.b"].Should().Be(new BsonInt32(1));
        bson["fields"]["max"].Should().Be(new BsonInt64(long.MaxValue));
        AppFields.FromElement(back).Should().Be(fields);
    }

    [Test]
    public void Registering_the_class_maps_again_is_harmless()
    {
        var again = () => Parallel.For(0, 8, _ => MongoDocumentMaps.EnsureRegistered());

        again.Should().NotThrow();
        ConfigurationDocumentMapper.ToDocument(ThreeAppExample.Build(), 1).ToBsonDocument().Names.Should().Contain("applications");
    }
}
