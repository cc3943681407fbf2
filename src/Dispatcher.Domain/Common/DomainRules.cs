namespace Dispatcher.Domain.Common;

/// <summary>Stable names of the domain invariants; they appear in error responses.</summary>
public static class DomainRules
{
    /// <summary>An identifier is not in its required format.</summary>
    public const string IdFormat = "id.format";

    /// <summary>A required value is missing or blank.</summary>
    public const string Required = "value.required";

    /// <summary>A schema URI must be an absolute URI.</summary>
    public const string SchemaUriAbsolute = "connection.schemaUri.absolute";

    /// <summary>An inbound connection has exactly one operation; an outbound connection has none.</summary>
    public const string ConnectionOperation = "connection.operation";

    /// <summary>No two identical connections on one side of an app.</summary>
    public const string ConnectionUnique = "connection.unique";

    /// <summary>A flow id appears at most once in a configuration.</summary>
    public const string FlowIdUnique = "connection.flowId.unique";

    /// <summary>An applicationUid appears at most once in a configuration.</summary>
    public const string ApplicationUidUnique = "app.applicationUid.unique";

    /// <summary>An entity id appears at most once in a configuration.</summary>
    public const string EntityIdUnique = "entity.id.unique";

    /// <summary>App fields must be a JSON object.</summary>
    public const string FieldsObject = "app.fields.object";

    /// <summary>The referenced app or connection does not exist in the configuration.</summary>
    public const string NotFound = "entity.notFound";
}
