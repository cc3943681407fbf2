using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.FlowRegistry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Tests.FlowRegistry;

public sealed class FlowProvisioningRegistrationTests
{
    [Test]
    public void Without_a_flow_repository_the_standalone_registry_is_the_provisioner()
    {
        using var provider = Build(new() { ["FlowRegistry:Standalone:Path"] = "/tmp/unused.db" });

        var provisioner = provider.GetRequiredService<IFlowProvisioner>();

        provisioner.Should().BeOfType<StandaloneFlowRegistry>()
            .And.BeSameAs(provider.GetRequiredService<StandaloneFlowRegistry>());
        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
    }

    [Test]
    public void Options_default_to_the_shared_database_file_and_half_a_second()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<StandaloneFlowRegistryOptions>>().Value;

        options.ResolvedPath.Should().Be(Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "dispatcher", "dispatcher.db"));
        options.TransitionDelay.Should().Be(TimeSpan.FromMilliseconds(500));
    }

    [Test]
    public void Options_are_bound_from_the_standalone_section()
    {
        using var provider = Build(new()
        {
            ["FlowRegistry:Standalone:Path"] = "/tmp/flows.db",
            ["FlowRegistry:Standalone:TransitionDelay"] = "00:00:02",
        });

        var options = provider.GetRequiredService<IOptions<StandaloneFlowRegistryOptions>>().Value;

        options.ResolvedPath.Should().Be("/tmp/flows.db");
        options.TransitionDelay.Should().Be(TimeSpan.FromSeconds(2));
    }

    [Test]
    public void A_negative_transition_delay_is_rejected()
    {
        using var provider = Build(new() { ["FlowRegistry:Standalone:TransitionDelay"] = "-00:00:01" });

        var read = () => provider.GetRequiredService<IOptions<StandaloneFlowRegistryOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().WithMessage("*TransitionDelay must not be negative*");
    }

    [Test]
    public void An_application_time_provider_is_kept()
    {
        var services = new ServiceCollection();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        services.AddSingleton<TimeProvider>(time);

        services.AddFlowProvisioning(new ConfigurationBuilder().Build());

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(time);
    }

    [Test]
    public void With_a_flow_repository_url_the_standalone_registry_is_not_registered()
    {
        using var provider = Build(new()
        {
            ["FlowRepository:BaseUrl"] = "http://flow-repository:3001",
            ["FlowRepository:ServiceToken"] = "service-token",
        });

        provider.GetService<StandaloneFlowRegistry>().Should().BeNull();
        provider.GetService<IFlowProvisioner>().Should().NotBeOfType<StandaloneFlowRegistry>();
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddFlowProvisioning(configuration).BuildServiceProvider();
    }
}
