using Dispatcher.Application.Dispatching;
using Dispatcher.Application.Ports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dispatcher.Application.Tests.Support;

/// <summary>A <see cref="FlowActivation"/> wired as the host does: the provisioner is resolved in a scope per check.</summary>
internal static class Activations
{
    public static FlowActivation For(IFlowProvisioner flows, TimeProvider time, IOptions<DispatchOptions> options)
    {
        var services = new ServiceCollection();
        services.AddScoped(_ => flows);
        var provider = services.BuildServiceProvider(validateScopes: true); // holds only the given provisioner: nothing to dispose
        return new FlowActivation(provider.GetRequiredService<IServiceScopeFactory>(), time, options, NullLogger<FlowActivation>.Instance);
    }
}
