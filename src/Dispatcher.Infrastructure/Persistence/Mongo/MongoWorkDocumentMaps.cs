using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Dispatcher.Infrastructure.Persistence.Mongo;

/// <summary>
/// BSON class maps of <see cref="FlowWorkDocument"/> and <see cref="LeaseDocument"/>, camel-case element names.
/// Explicit maps, as in <see cref="MongoDocumentMaps"/>; registered once per process, on first use.
/// </summary>
internal static class MongoWorkDocumentMaps
{
    private static readonly Lazy<bool> Registration = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Registers the class maps unless done already; thread-safe. Call before the first serialization.</summary>
    public static void EnsureRegistered() => _ = Registration.Value;

    private static bool Register()
    {
        var utc = new DateTimeSerializer(DateTimeKind.Utc);

        // False means the driver auto-mapped the type before we got here (camel-case names lost): fail loudly.
        var registered = BsonClassMap.TryRegisterClassMap<FlowWorkDocument>(map =>
        {
            map.MapIdMember(d => d.Id);
            map.MapMember(d => d.Generation).SetElementName("generation");
            map.MapMember(d => d.Kind).SetElementName("kind");
            map.MapMember(d => d.Tenant).SetElementName("tenant").SetIgnoreIfNull(true);
            map.MapMember(d => d.ConfigurationId).SetElementName("configurationId")
                .SetSerializer(new StringSerializer(BsonType.ObjectId));
            map.MapMember(d => d.RequestedAt).SetElementName("requestedAt").SetSerializer(utc);
            map.MapMember(d => d.Attempts).SetElementName("attempts");
            map.MapMember(d => d.NextAttemptAt).SetElementName("nextAttemptAt").SetSerializer(utc);
            map.MapMember(d => d.LastError).SetElementName("lastError").SetIgnoreIfNull(true);
            map.SetIgnoreExtraElements(true);
        });

        registered &= BsonClassMap.TryRegisterClassMap<LeaseDocument>(map =>
        {
            map.MapIdMember(d => d.Id);
            map.MapMember(d => d.Holder).SetElementName("holder");
            map.MapMember(d => d.ExpiresAt).SetElementName("expiresAt").SetSerializer(utc);
            map.SetIgnoreExtraElements(true);
        });

        return registered
            ? true
            : throw new InvalidOperationException(
                "The BSON class maps of the flow work and lease documents were registered elsewhere first; call "
                + $"{nameof(MongoWorkDocumentMaps)}.{nameof(EnsureRegistered)} before any other use of these types.");
    }

    /// <summary><paramref name="value"/> as a UTC <see cref="DateTime"/> cut to whole milliseconds, as BSON stores it.</summary>
    public static DateTime ToBsonTime(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()).UtcDateTime;

    /// <summary>A stored time back as a UTC <see cref="DateTimeOffset"/>.</summary>
    public static DateTimeOffset FromBsonTime(DateTime value) =>
        new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
