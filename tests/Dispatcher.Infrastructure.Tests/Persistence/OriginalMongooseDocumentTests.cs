using Dispatcher.Domain.Configurations;
using Dispatcher.Testing;
using Dispatcher.Infrastructure.Persistence.Documents;
using Dispatcher.Infrastructure.Persistence.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace Dispatcher.Infrastructure.Tests.Persistence;

/// <summary>
/// Reads configurations exactly as the original service's Mongoose model (collection <c>configurations</c>, strict
/// schema, timestamps on) stored them, and writes them back in a form that model reads: BSON fixtures built from the
/// model, no server. The model: <c>tenant, name, dataModel: String; applications: [App]; createdAt, updatedAt; __v</c>;
/// App (own ObjectId <c>_id</c>): <c>applicationName, applicationUid, adapterComponentId, transformerComponentId,
/// secretId: String; outbound: {active: Boolean, flows: [{_id, transformerAction, adapterAction, schemaUri, flowId}]};
/// inbound: {active: Boolean, flows: [{_id, operation: CREATE|UPDATE|DELETE, …}]}</c>.
/// </summary>
public sealed class OriginalMongooseDocumentTests
{
    private const string Person = "http://metadata.example.com/api/v1/domains/5d9b/schemas/person";

    [OneTimeSetUp]
    public void RegisterClassMaps() => MongoDocumentMaps.EnsureRegistered();

    /// <summary>What the web UI's POST <c>{name, dataModel}</c> made Mongoose store: no apps yet.</summary>
    private static BsonDocument CreatedByTheWebUi() => new()
    {
        { "_id", ObjectId.Parse("65f1a2b3c4d5e6f708192a3b") },
        { "tenant", "5e9b0c6e5b3b3a0012345678" },
        { "name", "Persons hub" },
        { "dataModel", "5d9b0c6e5b3b3a0012340000" },
        { "applications", new BsonArray() },
        { "createdAt", new BsonDateTime(new DateTime(2024, 3, 12, 8, 30, 15, 250, DateTimeKind.Utc)) },
        { "updatedAt", new BsonDateTime(new DateTime(2024, 3, 12, 8, 30, 15, 250, DateTimeKind.Utc)) },
        { "__v", 0 },
    };

    /// <summary>
    /// Optional fields left out as Mongoose leaves them out: an undefined Boolean (<c>active</c>) or String is not
    /// written, while a nested path holding an array is always written (<c>{flows: []}</c>).
    /// </summary>
    private static BsonDocument WithMissingOptionalFields()
    {
        var document = CreatedByTheWebUi();
        document["applications"] = new BsonArray
        {
            new BsonDocument
            {
                { "_id", ObjectId.Parse("65f1a2b3c4d5e6f708192a41") },
                { "applicationUid", "snazzy1234" },
                { "adapterComponentId", "5d2484d2a422ca001bda5690" },
                {
                    "outbound", new BsonDocument
                    {
                        { "active", true },
                        { "flows", new BsonArray { new BsonDocument { { "_id", ObjectId.Parse("65f1a2b3c4d5e6f708192a51") }, { "schemaUri", Person }, { "flowId", "65f1a2b3c4d5e6f708192a61" } } } },
                    }
                },
                // Inbound never configured: Mongoose still writes the nested path with its empty array.
                { "inbound", new BsonDocument { { "flows", new BsonArray() } } },
            },
            new BsonDocument
            {
                { "_id", ObjectId.Parse("65f1a2b3c4d5e6f708192a42") },
                { "applicationName", "Wice CRM" },
                { "applicationUid", "wice5678" },
                { "outbound", new BsonDocument { { "flows", new BsonArray() } } },
                {
                    "inbound", new BsonDocument
                    {
                        { "active", true },
                        {
                            "flows", new BsonArray
                            {
                                new BsonDocument { { "_id", ObjectId.Parse("65f1a2b3c4d5e6f708192a52") }, { "operation", "CREATE" }, { "adapterAction", "createContact" }, { "schemaUri", Person }, { "flowId", "65f1a2b3c4d5e6f708192a62" } },
                                // Flow creation failed for this one: no flowId.
                                new BsonDocument { { "_id", ObjectId.Parse("65f1a2b3c4d5e6f708192a53") }, { "operation", "UPDATE" }, { "schemaUri", Person } },
                            }
                        },
                    }
                },
            },
        };
        return document;
    }

    [Test]
    public void A_configuration_created_by_the_web_ui_reads_with_its_ids_timestamps_and_no_apps()
    {
        var configuration = Read(CreatedByTheWebUi());

        configuration.Id.Value.Should().Be("65f1a2b3c4d5e6f708192a3b");
        configuration.Tenant.Value.Should().Be("5e9b0c6e5b3b3a0012345678");
        configuration.Name.Should().Be("Persons hub");
        configuration.Apps.Should().BeEmpty();
        configuration.Version.Should().Be(0, "the original keeps no version of ours; __v is Mongoose's");
        configuration.CreatedAt.Should().Be(new DateTimeOffset(2024, 3, 12, 8, 30, 15, 250, TimeSpan.Zero));
        configuration.UpdatedAt.Should().Be(configuration.CreatedAt);
    }

    [Test]
    public void Missing_optional_fields_read_as_absent_and_a_side_without_active_as_inactive()
    {
        var configuration = Read(WithMissingOptionalFields());

        var snazzy = configuration.Apps[0];
        snazzy.ApplicationName.Should().Be("snazzy1234", "an app without a name (optional in the original) is named by its uid");
        snazzy.SecretId.Should().BeNull();
        snazzy.TransformerComponentId.Should().BeNull();
        snazzy.Outbound.Active.Should().BeTrue();
        var source = snazzy.Outbound.Connections.Should().ContainSingle().Subject;
        source.AdapterAction.Should().BeNull();
        source.TransformerAction.Should().BeNull();
        source.FlowId.Should().Be(FlowId.Parse("65f1a2b3c4d5e6f708192a61"));
        snazzy.Inbound.Active.Should().BeFalse("Mongoose does not write an undefined Boolean");
        snazzy.Inbound.Connections.Should().BeEmpty();
        var wice = configuration.Apps[1];
        wice.Outbound.Active.Should().BeFalse();
        wice.Inbound.Connections.Select(c => c.Operation).Should().Equal(Operation.Create, Operation.Update);
        wice.Inbound.Connections[1].FlowId.Should().BeNull();
    }

    [Test]
    public void A_document_without_timestamps_takes_its_creation_time_from_the_ObjectId()
    {
        var bson = CreatedByTheWebUi();
        bson.Remove("createdAt");
        bson.Remove("updatedAt");
        bson.Remove("__v");

        var configuration = Read(bson);

        var expected = DateTimeOffset.FromUnixTimeSeconds(0x65f1a2b3);
        configuration.CreatedAt.Should().Be(expected);
        configuration.UpdatedAt.Should().Be(expected);
    }

    [TestCaseSource(nameof(OriginalDocuments))]
    public void Written_back_every_field_of_the_original_keeps_its_name_type_and_value(BsonDocument original)
    {
        var written = Write(Read(original));

        // The original's own fields, recursively, exactly; the inbound side's stray _id of the shared fixture is not a
        // path of the model (nested objects have none) and is not kept.
        AssertContains(written, original, path: string.Empty);
        written["__v"].Should().Be(new BsonInt32(0));
    }

    [TestCaseSource(nameof(OriginalDocuments))]
    public void Written_back_the_document_matches_the_original_model_so_the_original_reads_it(BsonDocument original)
    {
        var written = Write(Read(original));

        MongooseModel.Violations(written).Should().BeEmpty();
    }

    [Test]
    public void A_configuration_made_by_this_service_is_written_in_the_original_models_shape()
    {
        var written = ConfigurationDocumentMapper.ToDocument(StoredConfigurations.Rich(), version: 3).ToBsonDocument();

        MongooseModel.Violations(written).Should().BeEmpty();
        written["__v"].Should().Be(new BsonInt32(0));
    }

    [Test]
    public void The_model_check_catches_what_the_original_could_not_read()
    {
        var written = Write(Read(CreatedByTheWebUi()));
        written["_id"] = "65f1a2b3c4d5e6f708192a3b";
        written["createdAt"] = "2024-03-12";

        MongooseModel.Violations(written).Should().BeEquivalentTo("_id: expected ObjectId, got String", "createdAt: expected DateTime, got String");
    }

    [Test]
    public void An_app_without_a_name_is_written_back_named_by_its_uid_and_nothing_else_changes()
    {
        var original = WithMissingOptionalFields();
        var written = Write(Read(original));

        written["applications"][0]["applicationName"].Should().Be(new BsonString("snazzy1234"));
        written["applications"][0].AsBsonDocument.Remove("applicationName");
        AssertContains(written, original, path: string.Empty);
    }

    private static IEnumerable<TestCaseData> OriginalDocuments()
    {
        yield return new TestCaseData(CreatedByTheWebUi()).SetName("{m}(created by the web UI)");
        var missing = WithMissingOptionalFields();
        missing["applications"][0]["applicationName"] = "snazzy1234";
        yield return new TestCaseData(missing).SetName("{m}(missing optional fields)");
        var full = MongoDocumentTests.OriginalServiceDocument();
        full["applications"][0]["inbound"].AsBsonDocument.Remove("_id");
        yield return new TestCaseData(full).SetName("{m}(every field)");
    }

    private static Configuration Read(BsonDocument bson) =>
        ConfigurationDocumentMapper.ToDomain(BsonSerializer.Deserialize<ConfigurationDocument>(bson));

    private static BsonDocument Write(Configuration configuration) =>
        ConfigurationDocumentMapper.ToDocument(configuration, configuration.Version + 1).ToBsonDocument();

    private static void AssertContains(BsonValue written, BsonValue original, string path)
    {
        if (original is BsonDocument expectedDocument)
        {
            written.Should().BeOfType<BsonDocument>(path);
            foreach (var element in expectedDocument)
            {
                var child = $"{path}.{element.Name}".TrimStart('.');
                written.AsBsonDocument.Contains(element.Name).Should().BeTrue($"{child} is kept");
                AssertContains(written[element.Name], element.Value, child);
            }
        }
        else if (original is BsonArray expectedArray)
        {
            written.AsBsonArray.Count.Should().Be(expectedArray.Count, path);
            for (var i = 0; i < expectedArray.Count; i++)
            {
                AssertContains(written[i], expectedArray[i], $"{path}[{i}]");
            }
        }
        else
        {
            written.Should().Be(original, path);
        }
    }

    /// <summary>The original's Mongoose schema as data: each path's BSON type; the fields Mongoose's strict mode ignores.</summary>
    private static class MongooseModel
    {
        private static readonly Dictionary<string, BsonType> Configuration = new()
        {
            ["_id"] = BsonType.ObjectId, ["tenant"] = BsonType.String, ["name"] = BsonType.String, ["dataModel"] = BsonType.String,
            ["applications"] = BsonType.Array, ["createdAt"] = BsonType.DateTime, ["updatedAt"] = BsonType.DateTime, ["__v"] = BsonType.Int32,
        };

        private static readonly Dictionary<string, BsonType> App = new()
        {
            ["_id"] = BsonType.ObjectId, ["applicationName"] = BsonType.String, ["applicationUid"] = BsonType.String,
            ["adapterComponentId"] = BsonType.String, ["transformerComponentId"] = BsonType.String, ["secretId"] = BsonType.String,
            ["outbound"] = BsonType.Document, ["inbound"] = BsonType.Document,
        };

        private static readonly Dictionary<string, BsonType> Side = new() { ["active"] = BsonType.Boolean, ["flows"] = BsonType.Array };

        private static readonly Dictionary<string, BsonType> Flow = new()
        {
            ["_id"] = BsonType.ObjectId, ["operation"] = BsonType.String, ["transformerAction"] = BsonType.String,
            ["adapterAction"] = BsonType.String, ["schemaUri"] = BsonType.String, ["flowId"] = BsonType.String,
        };

        // Additive fields of this service: not schema paths, so the original's strict model leaves them alone.
        private static readonly HashSet<string> Additive = ["version", "fields", "flowWork", "deleted"];

        public static List<string> Violations(BsonDocument document)
        {
            var violations = new List<string>();
            Check(document, Configuration, string.Empty, violations);
            foreach (var (app, i) in document.GetValue("applications", new BsonArray()).AsBsonArray.Select((a, i) => (a.AsBsonDocument, i)))
            {
                Check(app, App, $"applications[{i}].", violations);
                foreach (var sideName in new[] { "outbound", "inbound" })
                {
                    if (app.GetValue(sideName, BsonNull.Value) is BsonDocument side)
                    {
                        Check(side, Side, $"applications[{i}].{sideName}.", violations);
                        foreach (var (flow, j) in side.GetValue("flows", new BsonArray()).AsBsonArray.Select((f, j) => (f.AsBsonDocument, j)))
                        {
                            var path = $"applications[{i}].{sideName}.flows[{j}].";
                            Check(flow, Flow, path, violations);
                            if (flow.GetValue("operation", BsonNull.Value) is BsonString { Value: not ("CREATE" or "UPDATE" or "DELETE") } operation)
                            {
                                violations.Add($"{path}operation: '{operation.Value}' is not in the enum");
                            }
                        }
                    }
                }
            }

            return violations;
        }

        private static void Check(BsonDocument document, Dictionary<string, BsonType> schema, string path, List<string> violations)
        {
            foreach (var element in document)
            {
                if (schema.TryGetValue(element.Name, out var type))
                {
                    if (element.Value.BsonType != type)
                    {
                        violations.Add($"{path}{element.Name}: expected {type}, got {element.Value.BsonType}");
                    }
                }
                else if (!Additive.Contains(element.Name))
                {
                    violations.Add($"{path}{element.Name}: not a path of the model");
                }
            }
        }
    }
}
