using Dispatcher.Infrastructure.Persistence.Documents;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// BSON class maps of the document model, element names as in the original service. Explicit maps rather than
/// conventions, so nothing global changes for other types. Registered once per process, on first use.
/// </summary>
internal static class MongoDocumentMaps
{
    private static readonly Lazy<bool> Registration = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Registers the class maps unless done already; thread-safe. Call before the first serialization.</summary>
    public static void EnsureRegistered() => _ = Registration.Value;

    private static bool Register()
    {
        // The configuration document embeds flow work entries.
        MongoWorkDocumentMaps.EnsureRegistered();
        var objectId = new StringSerializer(BsonType.ObjectId);

        // False means the driver auto-mapped the type before we got here (camel-case names lost): fail loudly.
        var registered = BsonClassMap.TryRegisterClassMap<ConfigurationDocument>(map =>
        {
            map.MapIdMember(d => d.Id).SetSerializer(objectId);
            map.MapMember(d => d.Tenant).SetElementName("tenant");
            map.MapMember(d => d.Name).SetElementName("name").SetIgnoreIfNull(true);
            map.MapMember(d => d.DataModel).SetElementName("dataModel").SetIgnoreIfNull(true);
            map.MapMember(d => d.Applications).SetElementName("applications");
            map.MapMember(d => d.CreatedAt).SetElementName("createdAt");
            map.MapMember(d => d.UpdatedAt).SetElementName("updatedAt");
            // Mongoose's version key, so the original service reads and saves these documents as its own.
            map.MapMember(d => d.MongooseVersion).SetElementName("__v").SetDefaultValue(0);
            // Absent in the original service's documents: reads as 0.
            map.MapMember(d => d.Version).SetElementName("version").SetDefaultValue(0L);
            map.MapMember(d => d.FlowWork).SetElementName(MongoFlowWork.ArrayField).SetIgnoreIfNull(true);
            map.MapMember(d => d.Deleted).SetElementName(MongoFlowWork.DeletedField).SetDefaultValue(false).SetIgnoreIfDefault(true);
            // Whatever else a document of the original service carries is not ours.
            map.SetIgnoreExtraElements(true);
        });

        registered &= BsonClassMap.TryRegisterClassMap<AppDocument>(map =>
        {
            map.MapIdMember(d => d.Id).SetSerializer(objectId);
            map.MapMember(d => d.ApplicationName).SetElementName("applicationName").SetIgnoreIfNull(true);
            map.MapMember(d => d.ApplicationUid).SetElementName("applicationUid").SetIgnoreIfNull(true);
            map.MapMember(d => d.AdapterComponentId).SetElementName("adapterComponentId").SetIgnoreIfNull(true);
            map.MapMember(d => d.TransformerComponentId).SetElementName("transformerComponentId").SetIgnoreIfNull(true);
            map.MapMember(d => d.SecretId).SetElementName("secretId").SetIgnoreIfNull(true);
            map.MapMember(d => d.Fields).SetElementName("fields").SetSerializer(new JsonElementBsonSerializer());
            map.MapMember(d => d.Outbound).SetElementName("outbound");
            map.MapMember(d => d.Inbound).SetElementName("inbound");
            map.SetIgnoreExtraElements(true);
        });

        registered &= BsonClassMap.TryRegisterClassMap<SideDocument>(map =>
        {
            map.MapMember(d => d.Active).SetElementName("active");
            map.MapMember(d => d.Flows).SetElementName("flows");
            map.SetIgnoreExtraElements(true);
        });

        registered &= BsonClassMap.TryRegisterClassMap<ConnectionDocument>(map =>
        {
            map.MapIdMember(d => d.Id).SetSerializer(objectId);
            map.MapMember(d => d.Operation).SetElementName("operation").SetIgnoreIfNull(true);
            map.MapMember(d => d.TransformerAction).SetElementName("transformerAction").SetIgnoreIfNull(true);
            map.MapMember(d => d.AdapterAction).SetElementName("adapterAction").SetIgnoreIfNull(true);
            map.MapMember(d => d.SchemaUri).SetElementName("schemaUri").SetIgnoreIfNull(true);
            map.MapMember(d => d.FlowId).SetElementName("flowId").SetIgnoreIfNull(true);
            map.SetIgnoreExtraElements(true);
        });

        return registered
            ? true
            : throw new InvalidOperationException(
                "The BSON class maps of the configuration documents were registered elsewhere first; call "
                + $"{nameof(MongoDocumentMaps)}.{nameof(EnsureRegistered)} before any other use of these types.");
    }
}
