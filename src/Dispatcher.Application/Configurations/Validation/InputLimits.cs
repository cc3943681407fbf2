namespace Dispatcher.Application.Configurations.Validation;

/// <summary>
/// The bounds on what one request may ask of the service, shared by every route that writes (<c>POST /dispatches</c>,
/// <c>PATCH /dispatches/{id}</c>, <c>PUT /dispatches/{id}/app</c>, <c>PATCH /dispatches/{id}/app/{appId}</c>).
/// The JSON limits are enforced once, when the body is read; the others by the input validators. Every limit has a
/// name (<c>limit.*</c>) that the error answer carries, and docs/limits.md lists them.
/// </summary>
public static class InputLimits
{
    /// <summary>Deepest nesting of objects and arrays in any JSON body (the root object is depth 1).</summary>
    public const int MaxJsonDepth = 32;

    /// <summary>Longest JSON string value, in UTF-16 code units.</summary>
    public const int MaxJsonStringLength = 16_384;

    /// <summary>Longest JSON property name, in UTF-16 code units.</summary>
    public const int MaxJsonPropertyNameLength = 256;

    /// <summary>Most applications in one configuration (and in one request).</summary>
    public const int MaxApps = 100;

    /// <summary>Most connections on one side (inbound or outbound) of an app.</summary>
    public const int MaxConnectionsPerSide = 100;

    /// <summary>
    /// Most connections of all apps of one configuration, unless <c>Limits:MaxConnectionsPerConfiguration</c> says
    /// otherwise (<see cref="ConfigurationLimitOptions"/>): each one is a flow to provision.
    /// </summary>
    public const int DefaultMaxConnectionsPerConfiguration = 500;

    /// <summary>The highest value <c>Limits:MaxConnectionsPerConfiguration</c> accepts: every app at its most connections.</summary>
    public const int MaxConnectionsPerConfigurationCeiling = MaxApps * 2 * MaxConnectionsPerSide;

    /// <summary>Longest text field (name, applicationUid, actions…).</summary>
    public const int MaxText = 200;

    /// <summary>Longest <c>schemaUri</c>.</summary>
    public const int MaxSchemaUriLength = 2_048;

    /// <summary>Largest <c>fields</c> object of one app, as compact UTF-8 JSON.</summary>
    public const int MaxFieldsBytes = 16_384;

    /// <summary>Deepest nesting inside an app's <c>fields</c> (the <c>fields</c> object itself is depth 1).</summary>
    public const int MaxFieldsDepth = 8;

    /// <summary>The names carried in error answers (<c>rule</c> and <c>errors[].code</c> stay HTTP statuses).</summary>
    public static class Names
    {
        /// <summary><see cref="MaxJsonDepth"/>.</summary>
        public const string JsonDepth = "limit.jsonDepth";

        /// <summary><see cref="MaxJsonStringLength"/>.</summary>
        public const string JsonStringLength = "limit.jsonStringLength";

        /// <summary><see cref="MaxJsonPropertyNameLength"/>.</summary>
        public const string JsonPropertyNameLength = "limit.jsonPropertyNameLength";

        /// <summary><see cref="MaxApps"/>.</summary>
        public const string Apps = "limit.apps";

        /// <summary><see cref="MaxConnectionsPerSide"/>.</summary>
        public const string ConnectionsPerSide = "limit.connectionsPerSide";

        /// <summary><see cref="DefaultMaxConnectionsPerConfiguration"/>.</summary>
        public const string ConnectionsPerConfiguration = "limit.connectionsPerConfiguration";

        /// <summary><see cref="MaxText"/>.</summary>
        public const string Text = "limit.text";

        /// <summary><see cref="MaxSchemaUriLength"/>.</summary>
        public const string SchemaUriLength = "limit.schemaUriLength";

        /// <summary><see cref="MaxFieldsBytes"/>.</summary>
        public const string FieldsBytes = "limit.fieldsBytes";

        /// <summary><see cref="MaxFieldsDepth"/>.</summary>
        public const string FieldsDepth = "limit.fieldsDepth";

        /// <summary>The request body size (<c>Api:MaxRequestBodyBytes</c>; answered with 413).</summary>
        public const string BodyBytes = "limit.bodyBytes";

        /// <summary>True for a limit name (the prefix <c>limit.</c>).</summary>
        public static bool IsLimit(string? code) => code is not null && code.StartsWith("limit.", StringComparison.Ordinal);
    }
}
