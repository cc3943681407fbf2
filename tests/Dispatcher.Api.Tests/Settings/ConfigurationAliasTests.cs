using System.Collections;
using Dispatcher.Api.Settings;
using Dispatcher.Api.Tests.Support;
using Dispatcher.Infrastructure.FlowRepository;
using Dispatcher.Infrastructure.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Tests.Settings;

/// <summary>The original service's environment variables resolve to this service's settings; explicit settings win.</summary>
public sealed class ConfigurationAliasTests
{
    private static readonly object[] Aliases =
    [
        new object[] { "MONGODB_URL", "mongodb://mongo:27017/dispatcherDev", "Storage:MongoDb:ConnectionString", "mongodb://mongo:27017/dispatcherDev" },
        new object[] { "QUEUE_URL", "amqp://user:pw@rabbit:5672", "Messaging:RabbitMqUrl", "amqp://user:pw@rabbit:5672" },
        new object[] { "FLOWREPO_URL", "http://flow-repository:3001", "FlowRepository:BaseUrl", "http://flow-repository:3001" },
        new object[] { "FLOW_TOKEN", "flow-token", "FlowRepository:ServiceToken", "flow-token" },
        new object[] { "SDF_ID", "5d2484d2a422ca001bda5690", "FlowRepository:Sdf:ComponentId", "5d2484d2a422ca001bda5690" },
        new object[] { "SDF_INBOUND", "sendToHub", "FlowRepository:Sdf:PublishFunction", "sendToHub" },
        new object[] { "SDF_OUTBOUND", "receiveFromHub", "FlowRepository:Sdf:ReceiveFunction", "receiveFromHub" },
        new object[] { "SDF_RECORD", "recordUid", "FlowRepository:Sdf:RecordFunction", "recordUid" },
        new object[] { "INTROSPECT_TYPE", "basic", "Auth:Mode", "Introspection" },
        new object[] { "INTROSPECT_TYPE", "BASIC", "Auth:Mode", "Introspection" },
        new object[] { "INTROSPECT_ENDPOINT_BASIC", "http://iam/api/v1/tokens/introspect", "Auth:Introspection:Endpoint", "http://iam/api/v1/tokens/introspect" },
        new object[] { "INTROSPECT_ENDPOINT_BASIC", "http://iam/api/v1/tokens/introspect", "Auth:Mode", "Introspection" },
        new object[] { "IAM_TOKEN", "iam-token", "Auth:Introspection:ServiceToken", "iam-token" },
        new object[] { "IAM_TOKEN_CACHE_TTL", "300", "Auth:Introspection:CacheTtlSeconds", "300" },
        new object[] { "PORT", "3013", "urls", "http://+:3013" },
        new object[] { "CREATE_EVENT_NAME", "hub.created", "Messaging:CreatedEvent", "hub.created" },
        new object[] { "UPDATE_EVENT_NAME", "hub.updated", "Messaging:UpdatedEvent", "hub.updated" },
        new object[] { "DELETE_EVENT_NAME", "hub.deleted", "Messaging:DeletedEvent", "hub.deleted" },
    ];

    [TestCaseSource(nameof(Aliases))]
    public void Each_alias_resolves_to_its_setting(string variable, string value, string setting, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddOriginalEnvironmentAliases(new Hashtable { [variable] = value })
            .Build();

        configuration[setting].Should().Be(expected);
    }

    [Test]
    public void An_explicit_setting_wins_over_its_alias_and_unset_or_empty_variables_add_nothing()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Messaging:RabbitMqUrl"] = "amqp://explicit/" })
            .AddOriginalEnvironmentAliases(new Hashtable { ["QUEUE_URL"] = "amqp://alias/", ["FLOW_TOKEN"] = string.Empty })
            .Build();

        configuration["Messaging:RabbitMqUrl"].Should().Be("amqp://explicit/");
        configuration["FlowRepository:ServiceToken"].Should().BeNull();
        configuration["Auth:Mode"].Should().BeNull();
        configuration["urls"].Should().BeNull();
    }

    [Test]
    public void An_oih_deployment_defaults_to_the_shared_queue_and_the_originals_cors_and_explicit_settings_win()
    {
        var deployment = new ConfigurationBuilder()
            .AddOriginalEnvironmentAliases(new Hashtable { ["QUEUE_URL"] = "amqp://rabbit/" })
            .Build();
        var explicitly = new ConfigurationBuilder()
            .AddOriginalEnvironmentAliases(new Hashtable { ["QUEUE_URL"] = "amqp://rabbit/" })
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Messaging:Destination"] = "QueuePerFlow",
                ["Cors:AllowedOrigins:0"] = "https://ui.example.com",
                ["Cors:AllowCredentials"] = "false",
            })
            .Build();
        var none = new ConfigurationBuilder().AddOriginalEnvironmentAliases(new Hashtable()).Build();

        deployment["Messaging:Destination"].Should().Be("SharedQueue");
        deployment["Cors:AllowedOrigins:0"].Should().Be("*");
        deployment["Cors:AllowCredentials"].Should().Be("true");
        explicitly["Messaging:Destination"].Should().Be("QueuePerFlow");
        explicitly["Cors:AllowedOrigins:0"].Should().Be("https://ui.example.com");
        explicitly["Cors:AllowCredentials"].Should().Be("false");
        none["Messaging:Destination"].Should().BeNull("without any original variable the service's own default (QueuePerFlow) holds");
        none["Cors:AllowedOrigins:0"].Should().BeNull();
    }

    [TestCase("PORT", "http", "PORT (alias of urls) must be a port number between 1 and 65535, got 'http'.")]
    [TestCase("PORT", "70000", "PORT (alias of urls) must be a port number between 1 and 65535, got '70000'.")]
    [TestCase("INTROSPECT_TYPE", "oidc", "INTROSPECT_TYPE=oidc is not supported*")]
    [TestCase("INTROSPECT_TYPE", "magic", "INTROSPECT_TYPE (alias of Auth:Mode) must be 'basic', got 'magic'.")]
    public void An_alias_value_that_cannot_be_translated_is_refused_naming_the_variable(string variable, string value, string message)
    {
        var act = () => new ConfigurationBuilder().AddOriginalEnvironmentAliases(new Hashtable { [variable] = value }).Build();

        act.Should().Throw<InvalidSettingException>().WithMessage(message);
    }

    [Test]
    [NonParallelizable]
    public void The_service_reads_the_aliases_from_its_environment_and_explicit_settings_still_win()
    {
        var variables = new Dictionary<string, string>
        {
            ["CREATE_EVENT_NAME"] = "legacy.record.created",
            ["UPDATE_EVENT_NAME"] = "legacy.record.updated",
            ["FLOWREPO_URL"] = "http://127.0.0.1:9/flow-repository",
            ["FLOW_TOKEN"] = "legacy-flow-token",
            ["SDF_ID"] = "0123456789abcdef01234567",
            ["SDF_INBOUND"] = "legacyPublish",
        };
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            using var factory = new DispatcherApiFactory(new Dictionary<string, string?> { ["Messaging:UpdatedEvent"] = "explicit.updated" });
            var messaging = factory.Services.GetRequiredService<IOptions<MessagingOptions>>().Value;
            var flowRepository = factory.Services.GetRequiredService<IOptions<FlowRepositoryOptions>>().Value;

            messaging.CreatedEvent.Should().Be("legacy.record.created");
            messaging.UpdatedEvent.Should().Be("explicit.updated", "Messaging:UpdatedEvent is given explicitly");
            flowRepository.BaseUrl.Should().Be("http://127.0.0.1:9/flow-repository");
            flowRepository.ServiceToken.Should().Be("legacy-flow-token");
            flowRepository.Sdf.ComponentId.Should().Be("0123456789abcdef01234567");
            flowRepository.Sdf.PublishFunction.Should().Be("legacyPublish");
            factory.Flows.GetType().Name.Should().Be("FlowRepositoryProvisioner", "FLOWREPO_URL selects the Flow Repository adapter");
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }
}
