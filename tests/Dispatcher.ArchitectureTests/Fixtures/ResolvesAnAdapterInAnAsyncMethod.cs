using Dispatcher.Infrastructure.Messaging.EventBus;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.ArchitectureTests.Fixtures;

/// <summary>
/// Names an Infrastructure type only inside an async method body, as the old controllers did; the composition-root
/// rule must notice it (see <see cref="ApiCompositionRootTests"/>).
/// </summary>
public sealed class ResolvesAnAdapterInAnAsyncMethod(IServiceProvider services)
{
    /// <summary>Resolves the adapter after an await.</summary>
    public async Task<bool> RunAsync()
    {
        await Task.Yield();
        return services.GetService<OihEventConsumer.RecordPartitions>() is not null;
    }
}
