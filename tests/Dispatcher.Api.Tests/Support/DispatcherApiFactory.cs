using System.Net.Http.Headers;
using Dispatcher.Application.Ports;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dispatcher.Api.Tests.Support;

/// <summary>
/// The real service over a test server: real SQLite store and standalone flow registry in a temporary folder,
/// JWT auth with the test signing key. <see cref="ClientFor"/> gives a client with a token for a tenant.
/// </summary>
public sealed class DispatcherApiFactory : WebApplicationFactory<Program>
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dispatcher-api-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private bool _started;

    public DispatcherApiFactory(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        Directory.CreateDirectory(_directory);
        _settings = new Dictionary<string, string?>(TestTokens.JwtSettings)
        {
            ["Storage:Sqlite:Path"] = DatabasePath,
            ["FlowRegistry:Standalone:Path"] = DatabasePath,
            // Deterministic tests: the reconciler runs only where a test turns it on.
            ["Reconciler:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _services = services;
    }

    /// <summary>The SQLite file used by this instance.</summary>
    public string DatabasePath => Path.Combine(_directory, "dispatcher.db");

    /// <summary>A client whose bearer token names <paramref name="tenant"/>.</summary>
    public HttpClient ClientFor(string tenant)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(tenant));
        return client;
    }

    /// <summary>Every flow the flow provisioner holds, through the service's own port.</summary>
    public IFlowProvisioner Flows => Services.GetRequiredService<IFlowProvisioner>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // UseSetting (not ConfigureAppConfiguration): Program reads some settings while registering services.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    private async Task StopBusAsync()
    {
        if (!_started)
        {
            return;
        }

        _started = false;
        try
        {
            if (Services.GetService<IBusControl>() is { } bus)
            {
                await bus.StopAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A host that failed to start (e.g. invalid settings under test) has no bus to stop.
        }
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        _started = true;
        return host;
    }

    public override async ValueTask DisposeAsync()
    {
        // Stop consuming before the services go away, or in-flight events fail against disposed services. Bounded: after
        // a broker restart MassTransit 8.5 once left a receive endpoint awaiting its topology set-up forever, and its
        // StopAsync(timeout) then never returned (a CI run hung in BrokerRestartLossTests' disposal, after its
        // assertions had passed). The host is abandoned then, and the hang is reported, not waited out.
        var stop = StopAndDisposeAsync();
        if (await Task.WhenAny(stop, Task.Delay(DisposeBound)) != stop)
        {
            await TestContext.Progress.WriteLineAsync(
                $"[factory] the in-process dispatcher did not stop within {DisposeBound.TotalSeconds:F0} s (MassTransit bus stop hung); host abandoned");
        }
    }

    private static readonly TimeSpan DisposeBound = TimeSpan.FromSeconds(90);

    private async Task StopAndDisposeAsync()
    {
        await StopBusAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopBusAsync().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A late file handle; the temp folder is cleaned by the OS.
            }
        }
    }
}
