using Dispatcher.Api.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dispatcher.Api.Tests.Hostile;

/// <summary>The service calls no third party unless its operator opts in.</summary>
public sealed class NoCallOutTests
{
    [Test]
    public void MassTransit_usage_telemetry_is_off()
    {
        using var factory = new DispatcherApiFactory();

        factory.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled.Should().BeFalse();
    }
}
