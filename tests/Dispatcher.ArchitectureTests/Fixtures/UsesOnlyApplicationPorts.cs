using Dispatcher.Domain.Configurations;

namespace Dispatcher.ArchitectureTests.Fixtures;

/// <summary>Names no Infrastructure type: the composition-root rule must not report it.</summary>
public sealed class UsesOnlyApplicationPorts(IServiceProvider services)
{
    /// <summary>Resolves a domain type after an await.</summary>
    public async Task<bool> RunAsync()
    {
        await Task.Yield();
        return services.GetService(typeof(TenantId)) is not null;
    }
}
