using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.FlowRegistry;
using Dispatcher.Infrastructure.FlowRepository;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Tests.FlowRepository;

/// <summary>The adapter is chosen by <c>FlowRepository:BaseUrl</c>, and its settings are checked on start.</summary>
public sealed class FlowRepositoryOptionsTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["FlowRepository:BaseUrl"] = "http://flow-repository:3001",
        ["FlowRepository:ServiceToken"] = "service",
    };

    [Test]
    public void With_a_base_url_the_flow_repository_adapter_is_the_provisioner()
    {
        using var provider = Build(Valid);

        provider.GetRequiredService<IFlowProvisioner>().Should().BeOfType<FlowRepositoryProvisioner>();
        provider.GetService<StandaloneFlowRegistry>().Should().BeNull();
        ValidateOnStart(provider).Should().NotThrow();
    }

    [Test]
    public void Defaults_are_the_originals_and_ten_seconds_overall_three_per_attempt()
    {
        using var provider = Build(Valid);

        var options = provider.GetRequiredService<IOptions<FlowRepositoryOptions>>().Value;

        options.Timeout.Should().Be(TimeSpan.FromSeconds(10));
        options.AttemptTimeout.Should().Be(TimeSpan.FromSeconds(3));
        options.MaxRetryAttempts.Should().Be(3);
        options.Sdf.ComponentId.Should().Be("5d2484d2a422ca001bda5690");
        options.Sdf.PublishFunction.Should().Be("sendMessageToOih");
        options.Sdf.ReceiveFunction.Should().Be("receiveEvents");
        options.Sdf.RecordFunction.Should().Be("processRecordUid");
        options.Sdf.PlaceholderComponentId.Should().Be("5f895922926f72cf78353272");
        options.Sdf.AmqpUrl.Should().BeNullOrEmpty("the dispatcher's own broker URL is never copied into flows");
    }

    [TestCase("FlowRepository:ServiceToken", null, "FlowRepository:ServiceToken is required when FlowRepository:BaseUrl is set")]
    [TestCase("FlowRepository:ServiceToken", " ", "FlowRepository:ServiceToken is required")]
    [TestCase("FlowRepository:BaseUrl", "flow-repository:3001/x", "FlowRepository:BaseUrl must be an absolute http or https URL")]
    [TestCase("FlowRepository:BaseUrl", "/flows", "FlowRepository:BaseUrl must be an absolute http or https URL")]
    [TestCase("FlowRepository:TimeoutSeconds", "0", "FlowRepository:TimeoutSeconds must be at least")]
    [TestCase("FlowRepository:AttemptTimeoutSeconds", "10", "FlowRepository:AttemptTimeoutSeconds (10) must be less than FlowRepository:TimeoutSeconds (10)")]
    [TestCase("FlowRepository:MaxRetryAttempts", "-1", "FlowRepository:MaxRetryAttempts must be between 0 and 10")]
    [TestCase("FlowRepository:RetryDelaySeconds", "-0.5", "FlowRepository:RetryDelaySeconds must not be negative")]
    [TestCase("FlowRepository:Sdf:ComponentId", "sdf", "FlowRepository:Sdf:ComponentId must be 24 hexadecimal digits")]
    [TestCase("FlowRepository:Sdf:PlaceholderComponentId", "x", "FlowRepository:Sdf:PlaceholderComponentId must be 24 hexadecimal digits")]
    [TestCase("FlowRepository:Sdf:PublishFunction", "", "FlowRepository:Sdf:PublishFunction must not be empty")]
    [TestCase("FlowRepository:Sdf:AmqpUrl", "guest:guest", "FlowRepository:Sdf:AmqpUrl must be empty or an amqp:// or amqps:// URL")]
    public void An_invalid_setting_stops_start_up_with_a_message_naming_it(string key, string? value, string message)
    {
        var settings = new Dictionary<string, string?>(Valid) { [key] = value };
        if (value is null)
        {
            settings.Remove(key);
        }

        using var provider = Build(settings);

        ValidateOnStart(provider).Should().Throw<OptionsValidationException>().WithMessage($"*{message}*");
    }

    [Test]
    public void The_amqp_url_is_not_echoed_in_the_validation_message()
    {
        using var provider = Build(new Dictionary<string, string?>(Valid) { ["FlowRepository:Sdf:AmqpUrl"] = "user:secret-password" });

        ValidateOnStart(provider).Should().Throw<OptionsValidationException>()
            .Which.Message.Should().NotContain("secret-password");
    }

    [Test]
    public void A_service_token_without_a_base_url_keeps_the_standalone_registry()
    {
        using var provider = Build(new() { ["FlowRepository:ServiceToken"] = "service", ["FlowRegistry:Standalone:Path"] = "/tmp/unused.db" });

        provider.GetRequiredService<IFlowProvisioner>().Should().BeOfType<StandaloneFlowRegistry>();
    }

    [Test]
    public async Task A_host_with_a_base_url_but_no_service_token_does_not_start()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FlowRepository:BaseUrl"] = "http://flow-repository:3001" });
        builder.Services.AddFlowProvisioning(builder.Configuration);
        using var host = builder.Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message
            .Should().Contain("FlowRepository:ServiceToken is required when FlowRepository:BaseUrl is set.");
    }

    private static Action ValidateOnStart(ServiceProvider provider) =>
        () => provider.GetRequiredService<IStartupValidator>().Validate();

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddFlowProvisioning(configuration).BuildServiceProvider();
    }
}
