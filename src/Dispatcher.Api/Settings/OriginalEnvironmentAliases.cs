using System.Collections;
using System.Globalization;

namespace Dispatcher.Api.Settings;

/// <summary>
/// The original service's environment variables, accepted as aliases of this service's settings so it drops into an
/// existing deployment (k8s config maps and secrets keep working). Added as the first configuration source, so every
/// other source — appsettings, <c>Section__Key</c> environment variables, the command line — wins over an alias.
/// See docs/configuration.md for the table.
/// </summary>
public static class OriginalEnvironmentAliases
{
    /// <summary>Alias → setting, for the aliases whose value is taken as it is.</summary>
    public static IReadOnlyDictionary<string, string> Direct { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["MONGODB_URL"] = "Storage:MongoDb:ConnectionString",
        ["QUEUE_URL"] = "Messaging:RabbitMqUrl",
        ["FLOWREPO_URL"] = "FlowRepository:BaseUrl",
        ["FLOW_TOKEN"] = "FlowRepository:ServiceToken",
        ["SDF_ID"] = "FlowRepository:Sdf:ComponentId",
        // The original named these from the hub's point of view (inverted); FlowRepository:Sdf says what each does.
        ["SDF_INBOUND"] = "FlowRepository:Sdf:PublishFunction",
        ["SDF_OUTBOUND"] = "FlowRepository:Sdf:ReceiveFunction",
        ["SDF_RECORD"] = "FlowRepository:Sdf:RecordFunction",
        ["INTROSPECT_ENDPOINT_BASIC"] = "Auth:Introspection:Endpoint",
        ["IAM_TOKEN"] = "Auth:Introspection:ServiceToken",
        ["IAM_TOKEN_CACHE_TTL"] = "Auth:Introspection:CacheTtlSeconds",
        ["CREATE_EVENT_NAME"] = "Messaging:CreatedEvent",
        ["UPDATE_EVENT_NAME"] = "Messaging:UpdatedEvent",
        ["DELETE_EVENT_NAME"] = "Messaging:DeletedEvent",
    };

    /// <summary>The setting <c>INTROSPECT_TYPE</c> maps to (<c>basic</c> → <c>Introspection</c>).</summary>
    public const string AuthMode = "Auth:Mode";

    /// <summary>The setting <c>PORT</c> maps to: ASP.NET Core's <c>urls</c>, as <c>http://+:PORT</c>.</summary>
    public const string Urls = "urls";

    /// <summary>
    /// The settings an Open Integration Hub deployment gets by default, whenever at least one of the original
    /// variables is present (the service then stands in for the Node dispatcher): dispatches go to the shared
    /// <c>sdf-adapter</c> queue only, as the original's bindings (a queue per flow would pile up: nobody reads it there),
    /// and CORS reflects any origin with credentials, as the original. Like every alias, each is the lowest-precedence
    /// value: <c>Messaging:Destination</c> or <c>Cors:*</c> given under their own names win.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DeploymentDefaults { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Messaging:Destination"] = "SharedQueue",
        ["Cors:AllowedOrigins:0"] = "*",
        ["Cors:AllowCredentials"] = "true",
    };

    /// <summary>Adds the aliases found in the process environment as the lowest-precedence source.</summary>
    public static IConfigurationBuilder AddOriginalEnvironmentAliases(this IConfigurationBuilder builder, IDictionary? environment = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var source = new AliasConfigurationSource(environment ?? Environment.GetEnvironmentVariables());
        builder.Sources.Insert(0, source);
        return builder;
    }

    /// <summary>
    /// The settings <paramref name="environment"/> stands for. Throws <see cref="InvalidSettingException"/> naming the
    /// variable when a value cannot be translated (<c>PORT</c> not a port number, <c>INTROSPECT_TYPE</c> other than
    /// <c>basic</c>); values themselves are never echoed, since some are secrets.
    /// </summary>
    public static Dictionary<string, string?> Resolve(IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Read(string name) => environment[name] is string { Length: > 0 } value ? value : null;

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (alias, setting) in Direct)
        {
            if (Read(alias) is { } value)
            {
                settings[setting] = value;
            }
        }

        if (Read("PORT") is { } port)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new InvalidSettingException($"PORT (alias of {Urls}) must be a port number between 1 and 65535, got '{port}'.");
            }

            settings[Urls] = $"http://+:{number}";
        }

        var introspectType = Read("INTROSPECT_TYPE");
        switch (introspectType?.Trim().ToLowerInvariant())
        {
            case "basic":
                settings[AuthMode] = "Introspection";
                break;
            case null when Read("INTROSPECT_ENDPOINT_BASIC") is not null:
                // The original's default type is basic: an endpoint alone means basic introspection.
                settings[AuthMode] = "Introspection";
                break;
            case null:
                break;
            case "oidc":
                throw new InvalidSettingException(
                    "INTROSPECT_TYPE=oidc is not supported: validate the provider's JWTs instead " +
                    "(Auth:Mode=Jwt with Authentication:Schemes:Bearer:Authority and ValidAudiences; see docs/authentication.md).");
            default:
                throw new InvalidSettingException($"INTROSPECT_TYPE (alias of {AuthMode}) must be 'basic', got '{introspectType}'.");
        }

        if (settings.Count > 0)
        {
            foreach (var (setting, value) in DeploymentDefaults)
            {
                settings[setting] = value;
            }
        }

        return settings;
    }

    private sealed class AliasConfigurationSource(IDictionary environment) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new AliasConfigurationProvider(environment);
    }

    private sealed class AliasConfigurationProvider(IDictionary environment) : ConfigurationProvider
    {
        public override void Load() => Data = Resolve(environment);
    }
}
