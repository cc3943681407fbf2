using Dispatcher.Infrastructure.FlowRegistry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dispatcher.Infrastructure.Tests.FlowRegistry;

/// <summary>One data directory: the standalone registry follows the store's file unless it is set on its own.</summary>
public sealed class StandaloneFlowRegistryPathTests
{
    private static string ResolvedPath(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddLogging().AddFlowProvisioning(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<StandaloneFlowRegistryOptions>>().Value.ResolvedPath;
    }

    [Test]
    public void The_registry_follows_the_stores_path()
    {
        var store = Path.Combine(Path.GetTempPath(), "dispatcher-store-a", "dispatcher.db");

        ResolvedPath(new() { ["Storage:Sqlite:Path"] = store }).Should().Be(Path.GetFullPath(store));
    }

    [Test]
    public void Its_own_setting_wins()
    {
        var store = Path.Combine(Path.GetTempPath(), "dispatcher-store-a", "dispatcher.db");
        var registry = Path.Combine(Path.GetTempPath(), "dispatcher-flows", "flows.db");

        ResolvedPath(new() { ["Storage:Sqlite:Path"] = store, ["FlowRegistry:Standalone:Path"] = registry })
            .Should().Be(Path.GetFullPath(registry));
    }

    [Test]
    public void Without_either_it_is_the_per_user_default() =>
        ResolvedPath([]).Should().Be(Path.GetFullPath(StandaloneFlowRegistryOptions.DefaultPath));
}
