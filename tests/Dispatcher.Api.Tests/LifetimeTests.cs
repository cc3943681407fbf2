using Dispatcher.Api.Tests.Support;
using Dispatcher.Application.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace Dispatcher.Api.Tests;

/// <summary>
/// Service lifetimes: the host validates scopes and lifetimes when it is built (Program.cs), and no singleton of the
/// service captures a scoped or transient service — in particular not the Flow Repository adapter, which is transient
/// so that the HTTP client factory can rotate its handlers.
/// </summary>
public sealed class LifetimeTests
{
    [TestCase(false, TestName = "No singleton captures a scoped or transient service (standalone registry)")]
    [TestCase(true, TestName = "No singleton captures a scoped or transient service (Flow Repository adapter)")]
    public void No_singleton_captures_a_scoped_or_transient_service(bool flowRepository)
    {
        IServiceCollection? registered = null;
        var settings = flowRepository
            ? new Dictionary<string, string?> { ["FlowRepository:BaseUrl"] = "http://127.0.0.1:9", ["FlowRepository:ServiceToken"] = "service-token" }
            : [];
        using var factory = new DispatcherApiFactory(settings, services => registered = services);

        _ = factory.Services; // builds the host, which validates scopes and lifetimes on build

        var lifetimes = registered!.GroupBy(d => d.ServiceType).ToDictionary(g => g.Key, g => g.Last().Lifetime);
        var captive =
            from descriptor in registered!
            where descriptor.Lifetime == ServiceLifetime.Singleton
                && descriptor.ImplementationType?.Namespace?.StartsWith("Dispatcher", StringComparison.Ordinal) == true
            let constructor = descriptor.ImplementationType!.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First()
            from parameter in constructor.GetParameters()
            where lifetimes.TryGetValue(parameter.ParameterType, out var lifetime) && lifetime != ServiceLifetime.Singleton
            select $"{descriptor.ImplementationType!.Name} holds {parameter.ParameterType.Name} ({lifetimes[parameter.ParameterType]})";
        captive.Should().BeEmpty();
        lifetimes[typeof(IFlowProvisioner)].Should().Be(flowRepository ? ServiceLifetime.Transient : ServiceLifetime.Singleton);
    }

    [Test]
    public void A_scoped_service_resolved_from_the_root_is_refused()
    {
        using var factory = new DispatcherApiFactory();

        var resolve = () => factory.Services.GetRequiredService<Application.Configurations.Provisioning.ConfigurationWriter>();

        resolve.Should().Throw<InvalidOperationException>().WithMessage("*scoped service*from root provider*");
    }
}
