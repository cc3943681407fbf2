using Dispatcher.Application.Ports;
using Dispatcher.Infrastructure.FlowRegistry;
using Dispatcher.TestSupport.FlowRepository;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dispatcher.Infrastructure.Tests.FlowRepository;

/// <summary>
/// The adapter as the service registers it (<see cref="FlowProvisioningServiceCollectionExtensions.AddFlowProvisioning"/>
/// with <c>FlowRepository:BaseUrl</c> set), pointed at a <see cref="FakeFlowRepository"/>, with small timeouts and
/// back-off so failure tests stay fast. Every log entry is captured. A test that must control when retries happen
/// passes its own <see cref="TimeProvider"/>: the resilience pipeline's delays and timeouts follow it.
/// </summary>
internal sealed class FlowRepositoryTestHost : IAsyncDisposable
{
    public const string ServiceToken = "service-token-5f1c2d";
    public const string CallerToken = "caller-token-9a8b7c";

    private FlowRepositoryTestHost(FakeFlowRepository fake, ServiceProvider services, CapturingLoggerProvider logs)
    {
        Fake = fake;
        Services = services;
        Logs = logs;
    }

    public FakeFlowRepository Fake { get; }

    public ServiceProvider Services { get; }

    public CapturingLoggerProvider Logs { get; }

    public IFlowProvisioner Provisioner => Services.GetRequiredService<IFlowProvisioner>();

    public static FlowCallContext Caller { get; } = new(CallerToken);

    public static Dictionary<string, string?> FastSettings(string baseUrl) => new()
    {
        ["FlowRepository:BaseUrl"] = baseUrl,
        ["FlowRepository:ServiceToken"] = ServiceToken,
        ["FlowRepository:TimeoutSeconds"] = "2",
        ["FlowRepository:AttemptTimeoutSeconds"] = "0.4",
        ["FlowRepository:RetryDelaySeconds"] = "0.02",
    };

    public static async Task<FlowRepositoryTestHost> StartAsync(IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var fake = await FakeFlowRepository.StartAsync();
        fake.AdminTokens.Add(ServiceToken);
        var all = FastSettings(fake.BaseUrl);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var provider = services
            .AddFlowProvisioning(new ConfigurationBuilder().AddInMemoryCollection(all).Build())
            .BuildServiceProvider();
        return new FlowRepositoryTestHost(fake, provider, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
