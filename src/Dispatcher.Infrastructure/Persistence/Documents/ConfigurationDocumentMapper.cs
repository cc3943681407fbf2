using Dispatcher.Domain.Common;
using Dispatcher.Domain.Configurations;

namespace Dispatcher.Infrastructure.Persistence.Documents;

internal static class ConfigurationDocumentMapper
{
    /// <summary>The document for <paramref name="configuration"/>, stamped with <paramref name="version"/>.</summary>
    public static ConfigurationDocument ToDocument(Configuration configuration, long version)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new ConfigurationDocument
        {
            Id = configuration.Id.Value,
            Tenant = configuration.Tenant.Value,
            Name = configuration.Name,
            DataModel = configuration.DataModel,
            Applications = configuration.Apps.Select(ToDocument).ToList(),
            CreatedAt = ToStoredTime(configuration.CreatedAt),
            UpdatedAt = ToStoredTime(configuration.UpdatedAt),
            Version = version,
        };
    }

    /// <summary>
    /// Rebuilds the aggregate. A document that breaks a domain rule (possible for data written by the original
    /// service, whose schema was looser) raises <see cref="InvalidDataException"/> naming the configuration, so it
    /// surfaces as a storage fault rather than as a client error.
    /// </summary>
    public static Configuration ToDomain(ConfigurationDocument document) => ToDomain(document, schemas: null);

    /// <inheritdoc cref="ToDomain(ConfigurationDocument)"/>
    /// <param name="document">The stored document.</param>
    /// <param name="schemas">Schema URIs parsed already (by a caller reading many documents), or null.</param>
    public static Configuration ToDomain(ConfigurationDocument document, SchemaUriCache? schemas)
    {
        ArgumentNullException.ThrowIfNull(document);
        try
        {
            // Documents of the original service written before its timestamps (or imported without them): the creation
            // time is the one in the ObjectId, and an unchanged document was last updated then.
            var createdAt = document.CreatedAt == default ? ObjectIdTime(document.Id) : FromStoredTime(document.CreatedAt);
            var updatedAt = document.UpdatedAt == default ? createdAt : FromStoredTime(document.UpdatedAt);
            return Configuration.Rehydrate(
                ConfigurationId.Parse(document.Id),
                TenantId.Parse(document.Tenant),
                document.Name ?? string.Empty,
                document.DataModel,
                (document.Applications ?? []).Select(a => ToDomain(a, schemas)),
                createdAt,
                updatedAt,
                document.Version);
        }
        catch (DomainRuleViolationException e)
        {
            throw new InvalidDataException($"Stored configuration '{document.Id}' is invalid: {e.Message}", e);
        }
    }

    /// <summary>UTC truncated to whole milliseconds, so both stores keep exactly the same instant.</summary>
    public static DateTime ToStoredTime(DateTimeOffset value)
    {
        var ticks = value.UtcDateTime.Ticks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    /// <summary>The creation time an ObjectId carries (its first 4 bytes: seconds since the Unix epoch).</summary>
    private static DateTimeOffset ObjectIdTime(string id) =>
        id.Length == 24 && uint.TryParse(id.AsSpan(0, 8), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.UnixEpoch;

    private static DateTimeOffset FromStoredTime(DateTime value) =>
        new(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static AppDocument ToDocument(App app) => new()
    {
        Id = app.Id.Value,
        ApplicationName = app.ApplicationName,
        ApplicationUid = app.ApplicationUid.Value,
        AdapterComponentId = app.AdapterComponentId,
        TransformerComponentId = app.TransformerComponentId,
        SecretId = app.SecretId,
        Fields = app.Fields.ToElement(),
        Outbound = ToDocument(app.Outbound),
        Inbound = ToDocument(app.Inbound),
    };

    private static SideDocument ToDocument(AppSide side) => new()
    {
        Active = side.Active,
        Flows = side.Connections.Select(ToDocument).ToList(),
    };

    private static ConnectionDocument ToDocument(Connection connection) => new()
    {
        Id = connection.Id.Value,
        Operation = connection.Operation is { } operation ? OperationNames.ToText(operation) : null,
        TransformerAction = connection.TransformerAction,
        AdapterAction = connection.AdapterAction,
        SchemaUri = connection.SchemaUri.Text,
        FlowId = connection.FlowId?.Value,
    };

    private static App ToDomain(AppDocument document, SchemaUriCache? schemas) => App.Create(
        AppId.Parse(document.Id),
        ApplicationUid.Parse(document.ApplicationUid),
        // Optional in the original's model (its flow names then read "… for undefined"); required here. The uid
        // names the app instead, and is written back as its name.
        string.IsNullOrWhiteSpace(document.ApplicationName) ? document.ApplicationUid : document.ApplicationName,
        ToDomain(document.Outbound, Direction.Outbound, schemas),
        ToDomain(document.Inbound, Direction.Inbound, schemas),
        document.AdapterComponentId,
        document.TransformerComponentId,
        document.SecretId,
        AppFields.FromElement(document.Fields));

    private static AppSide ToDomain(SideDocument? document, Direction direction, SchemaUriCache? schemas) =>
        document is null
            ? AppSide.Empty(direction)
            : AppSide.Create(direction, document.Active, (document.Flows ?? []).Select(c => ToDomain(c, direction, schemas)));

    private static Connection ToDomain(ConnectionDocument document, Direction direction, SchemaUriCache? schemas) => Connection.Create(
        ConnectionId.Parse(document.Id),
        direction,
        schemas is null ? SchemaUri.Parse(document.SchemaUri) : schemas.Parse(document.SchemaUri),
        // The original schema has no operation on outbound flows; only an inbound one is read.
        direction == Direction.Inbound ? ParseOperation(document.Operation) : null,
        document.AdapterAction,
        document.TransformerAction,
        string.IsNullOrEmpty(document.FlowId) ? null : FlowId.Parse(document.FlowId));

    // Stored documents hold the upper-case names; anything else is corrupt, not a case to normalise.
    private static Operation? ParseOperation(string? text) =>
        text is null ? null
        : text == text.ToUpperInvariant() && OperationNames.TryParse(text, out var operation) ? operation
        : throw new DomainRuleViolationException(DomainRules.ConnectionOperation, $"Unknown operation '{text}'.");
}

/// <summary>
/// <see cref="SchemaUri.Parse"/> remembered by text, for one reader of many documents (a full load): a store holds a
/// handful of distinct schema URIs over millions of connections, and parsing one builds a <see cref="Uri"/> each time.
/// <see cref="SchemaUri"/> is immutable and its parse depends on the text alone, so a shared instance is the same
/// value. Bounded, so a store of all-different URIs costs a full parse each, as without it. Not thread-safe.
/// </summary>
internal sealed class SchemaUriCache
{
    private const int MaxEntries = 4096;

    private readonly Dictionary<string, SchemaUri> _parsed = new(StringComparer.Ordinal);

    /// <summary>The same as <see cref="SchemaUri.Parse"/> (it throws the same errors for invalid text).</summary>
    public SchemaUri Parse(string? text)
    {
        if (text is null)
        {
            return SchemaUri.Parse(text);
        }

        if (_parsed.TryGetValue(text, out var known))
        {
            return known;
        }

        var parsed = SchemaUri.Parse(text);
        if (_parsed.Count < MaxEntries)
        {
            _parsed[text] = parsed;
        }

        return parsed;
    }
}
